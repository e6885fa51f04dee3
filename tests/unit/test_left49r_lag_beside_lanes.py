"""left49r: ``ASSAY_TEXT_LAG`` (or ``rounds``) beside two lanes has no effect (the engine
lags one lane only: perf49), yet it was kept in the run's config and its rerun command with
no word.  The run now says so as it starts, keeps the words in its config (``lag_unused``)
and in its summary's notes; a lag of one lane, or lanes without a lag, say nothing."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest

from assay.cli.app import main
from assay.core.notices import AssayWarning
from assay.core.store import RunStore
from assay.text.api import check_text

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
MODELS = [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"]


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    monkeypatch.delenv("ASSAY_TEXT_LAG", raising=False)
    monkeypatch.delenv("ASSAY_TEXT_LANES", raising=False)


def _run(tmp_path: Path, name: str, **options: Any) -> tuple[list[str], dict[str, Any]]:
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        result = check_text(
            MODELS, grammar="builtin:reviews", max_queries=600, seed=5,
            store=tmp_path / f"{name}.db", **options,
        )  # fmt: skip
    with RunStore(result.store, read_only=True) as store:
        record = store.get_run(result.run_id)
    notes = [str(w.message) for w in said if issubclass(w.category, AssayWarning)]
    sections = (record.summary or {}).get("sections") or []
    noted = [s["text"] for s in sections if s.get("title") == "Notes"]
    return notes, {**record.config, "notes": noted}


def test_a_lag_beside_two_lanes_is_said_and_kept(tmp_path: Path) -> None:
    notes, config = _run(tmp_path, "both", lanes=2, rounds=4)
    words = "rounds=4 has no effect beside lanes=2: the lanes' rounds are not lagged"
    assert any(n.startswith(words) for n in notes), notes  # (main: nothing said)
    assert config["lag_unused"].startswith(words), config.get("lag_unused")
    # the summary's notes (the reports' Notes section) name both ways of asking it
    assert any("ASSAY_TEXT_LAG=4 (rounds=4) has no effect" in n for n in config["notes"])


@pytest.mark.parametrize(("lanes", "rounds"), [(1, 4), (2, 1)])
def test_a_lag_of_one_lane_or_lanes_alone_say_nothing(
    tmp_path: Path, lanes: int, rounds: int
) -> None:
    notes, config = _run(tmp_path, f"l{lanes}r{rounds}", lanes=lanes, rounds=rounds)
    assert not [n for n in notes if "has no effect" in n], notes
    assert "lag_unused" not in config
    assert not [n for n in config["notes"] if "has no effect" in n], config["notes"]


def test_the_command_line_says_the_variables_and_keeps_them_in_its_rerun(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_LAG", "4")
    monkeypatch.setenv("ASSAY_TEXT_LANES", "2")
    monkeypatch.chdir(tmp_path)
    args = ["text", *MODELS, "--grammar", "builtin:reviews", "--max-queries", "600"]
    args += ["--seed", "5", "--store", "s.db", "--report", "r.json"]
    with pytest.raises(SystemExit):
        main(args)
    err = capsys.readouterr().err
    words = "assay: warning: ASSAY_TEXT_LAG=4 has no effect beside ASSAY_TEXT_LANES=2: "
    assert words in " ".join(err.split()), err
    document = json.loads((tmp_path / "r.json").read_text())
    assert document["run"]["config"]["lag_unused"].startswith(words[len("assay: warning: ") :])
    # kept in the rerun as given (it reproduces the run), the words beside it
    rerun = document["rerun"]
    assert "ASSAY_TEXT_LAG=4" in rerun and "ASSAY_TEXT_LANES=2" in rerun, rerun
