"""``assay verify`` on a text run: its minimal failing sentences asked again of the run's
classifiers as they are now (a fixed classifier file: none fails; unchanged: all do)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
GOOD = f"{FAKES}:lexicon"


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def _classifier(path: Path, blind: bool) -> str:
    """A classifier file whose function ignores negation (the planted bug) or reads it."""
    path.write_text(
        "import importlib.util\n"
        f"spec = importlib.util.spec_from_file_location('fakes', {str(FAKES)!r})\n"
        "fakes = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(fakes)\n"
        f"clf = fakes.{'negation_blind' if blind else 'lexicon'}\n"
    )
    return f"{path}:clf"


def _run_id(out: str) -> str:
    found = re.search(r"run (text-[0-9a-f-]+)", out)
    assert found, out
    return found.group(1)


def test_a_fixed_classifier_no_longer_fails_its_runs_sentences(tmp_path: Path) -> None:
    store = str(tmp_path / "runs.db")
    clf = _classifier(tmp_path / "clf.py", blind=True)
    code, out = _invoke(
        "text", GOOD, clf, "--grammar", "builtin:reviews", "--max-queries", "400",
        "--seed", "3", "--store", store,
    )  # fmt: skip
    assert code == 1, out
    run = _run_id(out)
    code, doc = _verify(run, store)
    assert code == 1 and doc["findings"] > 0 and doc["still_failing"] == doc["findings"], out
    _classifier(tmp_path / "clf.py", blind=False)  # the fix, at the run's path
    code, out = _invoke("verify", run, "--store", store)
    assert code == 0, out
    assert re.search(r"\b0 of [0-9,]+ stored findings still fail", out), out
    assert "changed since the run started" in out, out


def _verify(run: str, store: str) -> tuple[int, dict[str, int]]:
    code, out = _invoke("verify", run, "--store", store, "--json")
    return code, json.loads(out[out.index("{") : out.rindex("}") + 1])


def test_a_directional_run_is_replayed_by_its_relation(tmp_path: Path) -> None:
    """Every finding of the negation-blind classifier fails again as it is; once it reads
    negation, most of its broken expectations hold (not all: a sentence with no lexicon
    word scores 0 with or without 'not')."""
    store = str(tmp_path / "runs.db")
    clf = _classifier(tmp_path / "clf.py", blind=True)
    code, out = _invoke(
        "text", clf, "--grammar", "builtin:reviews", "--oracle", "directional",
        "--max-queries", "400", "--seed", "3", "--store", store,
    )  # fmt: skip
    assert code == 1, out
    run = _run_id(out)
    code, before = _verify(run, store)
    assert code == 1 and before["still_failing"] == before["findings"] > 0, before
    assert before["not_replayed"] == 0, before
    _classifier(tmp_path / "clf.py", blind=False)
    _, after = _verify(run, store)
    assert after["findings"] == before["findings"], after
    assert after["still_failing"] < before["findings"] // 2, after


def test_verify_of_a_backdoor_run_replays_its_triggers(tmp_path: Path) -> None:
    store = str(tmp_path / "runs.db")
    _, out = _invoke("backdoor", "--demo", "--seed", "0", "--store", store)
    found = re.search(r"run (backdoor-[0-9a-f-]+)", out)
    assert found, out
    code, out = _invoke("verify", found.group(1), "--store", store)
    assert code == 1 and "stored findings still hold against the run's model" in out, out
