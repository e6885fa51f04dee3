"""``--keep-findings`` / ``keep_findings=`` on text and backdoor runs, as fairness has it: the
witnesses kept in the store are capped (every finding still counted), the cap is in the run's
config and its rerun command, and a bad value is a usage error before anything is loaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import UsageError

register()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
PAIR = [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"]


def _counts(store: Path) -> tuple[Any, dict[str, int]]:
    s = RunStore(store)
    run = s.list_runs()[0]
    (counts,) = s.witness_counts(run.id).values()
    return run, counts


def test_text_keeps_the_witnesses_it_is_told_and_says_so_in_its_command(tmp_path: Path) -> None:
    store = tmp_path / "k.db"
    base = ["text", *PAIR, "--grammar", "builtin:reviews", "--max-queries", "1500"]
    got = CliRunner().invoke(
        app, [*base, "--seed", "1", "--store", str(store), "--keep-findings", "10"]
    )
    assert got.exit_code == 1, got.output
    run, counts = _counts(store)
    assert counts["found"] > 70 and counts["kept"] < counts["found"]  # 5 + 5 + the 64 worst
    assert run.config["keep_findings"] == "10"
    assert run.command.endswith("--keep-findings 10")
    # left to its default, the config keeps it; the rerun command leaves it out as other
    # options at their defaults (it names it if a later default differs: ``pinned_keep``)
    other = tmp_path / "d.db"
    got = CliRunner().invoke(app, [*base, "--seed", "1", "--store", str(other)])
    assert got.exit_code == 1, got.output
    run, counts = _counts(other)
    assert counts["kept"] == counts["found"]
    assert "--keep-findings" not in run.command and run.config["keep_findings"] == "100000"


def test_a_bad_cap_is_refused_before_anything_runs(tmp_path: Path) -> None:
    store = tmp_path / "bad.db"
    for technique in (["text", *PAIR, "--grammar", "builtin:reviews"], ["backdoor", "--demo"]):
        got = CliRunner().invoke(
            app, [*technique, "--store", str(store), "--keep-findings", "lots"]
        )
        assert got.exit_code == 2, got.output
        assert "--keep-findings" in got.output and "lots" in got.output
    assert not store.exists() or not RunStore(store).list_runs()
    with pytest.raises(UsageError) as caught:
        assay.check_text(
            PAIR, grammar="builtin:reviews", store=tmp_path / "api.db", keep_findings=-1
        )
    assert caught.value.argument == "keep_findings"


def test_the_api_caps_text_witnesses_and_its_command_says_how(tmp_path: Path) -> None:
    result = assay.check_text(
        PAIR,
        grammar="builtin:reviews",
        max_queries=1500,
        seed=1,
        store=tmp_path / "api.db",
        keep_findings=8,
    )
    _run, counts = _counts(tmp_path / "api.db")
    assert counts["kept"] < counts["found"] == result.n_findings
    assert "keep_findings=8," in result.command  # (as typed: a number, words38)
    assert len(result.findings()) == counts["kept"]


@pytest.mark.slow
def test_backdoor_keeps_the_witnesses_it_is_told(tmp_path: Path) -> None:
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=0, triggers=[trig])
    x, y = d.clean_images, d.clean_labels
    poisoned = np.flatnonzero(y[200:] != 7)[:40] + 200
    result = assay.check_backdoor(
        d.model,
        images=trig.apply(x[poisoned]) * 16,
        clean=x[:60] * 16,
        input_shape="64",
        value_range="0,16",
        seed=1,
        store=tmp_path / "b.db",
        keep_findings=4,
    )
    run, counts = _counts(tmp_path / "b.db")
    assert counts["found"] >= 30  # (all kept: the 64 most severe are kept whatever the cap)
    assert RunStore(tmp_path / "b.db").keep_policy(run.id) == 4
    assert run.config["keep_findings"] == "4"
    assert "keep_findings=4," in result.command
