"""kill -9 after a run's search ended, before what follows it was added (a fairness run's
answer, its determinism section, its ``--retrain``; a text run's re-check; a backdoor
scan's determinism section): ``assay resume RUN`` finishes the run, searching nothing again,
with the figures the run not killed has, and exits as that run does.

It once refused such a run ("already ended; nothing to resume (but ...)"): the command had
to run again, its whole search with it (resume29b's Left 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import skops.io
from resume29b_files import KILLED, write_people, write_tree
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.cli.app import main
from assay.core.finishing import finishable
from assay.core.store import RunRecord, RunStore
from assay.core.unfinished import KEY

pytestmark = pytest.mark.slow

MODEL = '''
import numpy as np


def biased(x):
    """Favours sex == 1 for x in 31-59: the search finds it."""
    x = np.asarray(x, dtype=float)
    return (x[:, 0] + 30 * x[:, 2] > 60).astype(int)


def fair(x):
    """Never looks at sex: the search finds nothing."""
    x = np.asarray(x, dtype=float)
    return (x[:, 0] > 50).astype(int)


def constant(x):
    """One answer to all: nothing can be found, and nothing was tested."""
    return np.ones(len(x), dtype=int)
'''

FAIRNESS = ["fairness", "m.py:biased", "--data", "people.csv", "--protected", "sex"]
FAIRNESS += ["--max-queries", "3000", "--seed", "1"]
FAIR = ["fairness", "m.py:fair", "--data", "people.csv", "--protected", "sex"]
FAIR += ["--max-queries", "3000", "--seed", "1"]
CONSTANT = [a.replace("m.py:fair", "m.py:constant") for a in FAIR]
RETRAIN = ["fairness", "m.skops", "--data", "d.csv", "--label", "y", "--protected", "sex"]
RETRAIN += ["--retrain", "--max-queries", "2000", "--seed", "1"]
TEXT = ["text", "builtin:tfidf", "builtin:tfidf-nonegation", "--grammar", "builtin:reviews"]
TEXT += ["--max-queries", "2000", "--seed", "2"]
BACKDOOR = ["backdoor", "builtin:trojan", "--max-queries", "20000", "--seed", "1"]

# (command, the function replaced by a kill -9, what the killed run lacks)
CASES = {
    "fairness answer": (FAIRNESS, "assay.fairness.answer:compute_answer", ["answer"]),
    "fairness answer, nothing found": (FAIR, "assay.fairness.answer:compute_answer", ["answer"]),
    "fairness checks": (
        FAIRNESS,
        "assay.fairness.phases:confirm_findings",
        ["determinism", "records"],
    ),
    # (NOTHING WAS TESTED, as the run not killed says: exit 2, never a pass)
    "fairness checks, a constant model": (
        CONSTANT,
        "assay.fairness.phases:confirm_findings",
        ["determinism", "records"],
    ),
    "fairness answer, a constant model": (
        CONSTANT,
        "assay.fairness.answer:compute_answer",
        ["answer"],
    ),
    "fairness retrain": (RETRAIN, "assay.fairness.retrain:retrain_model", ["retrain"]),
    # (a tree: its answer also asks the model to check the trees read from it)
    "fairness tree checks": (
        RETRAIN,
        "assay.fairness.phases:confirm_findings",
        ["determinism", "records", "retrain"],
    ),
    "text": (TEXT, "assay.text.recheck:recheck", ["determinism", "records"]),
    "text units": (
        [*TEXT, "--units", "2"],
        "assay.text.recheck:recheck",
        ["determinism", "records"],
    ),
    "backdoor": (BACKDOOR, "assay.backdoor.api:record_steadiness", ["determinism"]),
}

# what differs between two runs of the same command and seed: their times and files
_TIMED = ("second", "time", "wall", "elapsed", "saved", "path", "_file", "rate", "per_s")


def _figures(value: Any) -> Any:
    """``value`` without its timings (nor the files a retraining wrote, nor the line that
    loads them: it names the run's folder)."""
    if isinstance(value, dict):
        return {
            k: _figures(v)
            for k, v in value.items()
            if not any(t in str(k) for t in _TIMED) and k != "load"
        }
    if isinstance(value, list):
        return [_figures(v) for v in value]
    return value


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.py").write_text(MODEL)
    write_people(tmp_path)
    write_tree(tmp_path)  # (--retrain's model and data)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def killed_at(where: str, args: list[str], store: Path) -> subprocess.CompletedProcess[str]:
    """The command line run with ``where`` (module:function) a kill -9 of its own process."""
    return subprocess.run(
        [sys.executable, "-c", KILLED, where, *args, "--quiet", "--store", str(store)],
        # the assay under test, wherever the test runs from
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )


def the_run(store: Path) -> tuple[RunRecord, int]:
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        return s.get_run(run.id), s.count_findings(run.id)


def exit_of(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    return int(ended.value.code or 0)


@pytest.mark.parametrize("case", list(CASES))
def test_resume_finishes_a_run_killed_after_its_search(
    files: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args, where, missing = CASES[case]
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at(where, args, killed)
    assert done.returncode == -9, done.stderr
    record, n_found = the_run(killed)
    assert record.status in ("completed", "budget_exhausted")  # its search had ended
    assert finishable(record)
    if missing == ["answer"]:
        assert "verdict" not in record.summary
    else:
        assert record.summary[KEY] == missing
    progress = dict(record.progress)
    capsys.readouterr()
    exit_of(["show", record.id, "--store", str(killed)])  # (its hint: how to finish it)
    assert f"finish it, no new search: assay resume {record.id}" in capsys.readouterr().out
    exit_of(["runs", "--store", str(killed)])  # (the list's too)
    assert f"finish it (no new search) with\n  assay resume {record.id}" in capsys.readouterr().out
    # finished, its reports written
    code = exit_of(["resume", record.id, "--store", str(killed), "--junit", "k.xml"])
    said = capsys.readouterr()
    assert f"finishing {record.id}" in said.err, said.err
    assert Path("k.xml").is_file()
    finished, n_after = the_run(killed)
    assert n_after == n_found and finished.status == record.status
    assert dict(finished.progress)["queries"] == progress["queries"]  # no search again
    assert KEY not in finished.summary and "incomplete_reason" not in finished.summary
    assert not finishable(finished)
    # the run not killed: the same figures, the same exit code
    expected_code = exit_of([*args, "--quiet", "--store", str(clean)])
    expected, n_expected = the_run(clean)
    assert code == expected_code
    assert n_found == n_expected
    assert finished.summary.get("untested_reason") == expected.summary.get("untested_reason")
    for key in ("verdict", "determinism", "regions", "exact", "mitigation"):
        assert _figures(finished.summary.get(key)) == _figures(expected.summary.get(key)), key
    if record.technique == "fairness":  # every query asked, counted as the run counts them
        assert finished.summary["model_queries"] == expected.summary["model_queries"]
    assert exit_of(["report", record.id, "--store", str(killed), "--junit", "r.xml"]) == code
    # finished, it is a run that ended: nothing more to resume
    capsys.readouterr()
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) == 2
    assert "nothing to resume" in capsys.readouterr().err


def test_a_fairness_run_finished_through_the_api(files: Path) -> None:
    """``assay.resume_run`` finishes it too, returning the finished result."""
    killed = files / "killed.db"
    done = killed_at("assay.fairness.phases:confirm_findings", FAIR, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    result = assay.resume_run(record.id, store=killed)
    assert result.run_id == record.id and result.status == "completed"
    assert "determinism" in result.summary and KEY not in result.summary
    assert exit_of(["report", record.id, "--store", str(killed), "--junit", "r.xml"]) == 0


def test_a_run_whose_model_changed_is_refused_saying_what_to_do(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its determinism section must be asked of the model its search asked: the model file
    changed (or gone), the resume is refused (exit 2), saying so and what to do; the run
    stays as it was (not a pass, still to be finished)."""
    killed = files / "killed.db"
    done = killed_at("assay.fairness.retrain:retrain_model", RETRAIN, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    rows = pd.read_csv(files / "d.csv")  # another model in its place: a stump
    stump = DecisionTreeClassifier(max_depth=1).fit(rows[["x", "sex"]].to_numpy(), rows["y"])
    skops.io.dump(stump, files / "m.skops")
    capsys.readouterr()
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "changed since run" in said and "put the original file back" in said, said
    assert "run the command again" in said, said
    (files / "m.skops").unlink()
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "is gone since run" in said and "put the original file back" in said, said
    after, _ = the_run(killed)
    assert after.summary[KEY] == ["retrain"] and finishable(after)


STEADY = """
import numpy as np


def steady(x):
    return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(np.int64)
"""


def test_a_scan_finished_from_what_it_kept_needs_none_of_its_files(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A backdoor scan killed before its determinism section is finished from the check it
    kept: its model and images may be gone since (nothing of them is read); one that
    writes a filter (--export-filter) needs its model, and says so."""
    (files / "steady.py").write_text(STEADY)
    rng = np.random.default_rng(0)
    np.save(files / "images.npy", rng.random((4, 8, 8)))
    np.save(files / "clean.npy", rng.random((40, 8, 8)))
    args = ["backdoor", "steady.py:steady", "--images", "images.npy", "--clean", "clean.npy"]
    args += ["--input-shape", "8,8", "--classes", "2", "--seed", "1"]
    killed, filtered = files / "killed.db", files / "filtered.db"
    for store, extra in ((killed, []), (filtered, ["--export-filter", "f.json"])):
        done = killed_at("assay.backdoor.api:record_steadiness", [*args, *extra], store)
        assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    expected = exit_of([*args, "--quiet", "--store", str(files / "clean.db")])
    for name in ("steady.py", "images.npy", "clean.npy"):
        (files / name).unlink()
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) == expected
    finished, _ = the_run(killed)
    clean, _ = the_run(files / "clean.db")
    assert finished.summary["determinism"] == clean.summary["determinism"]
    assert not finishable(finished)
    capsys.readouterr()
    record, _ = the_run(filtered)
    assert exit_of(["resume", record.id, "--store", str(filtered), "--quiet"]) == 2
    said = " ".join(capsys.readouterr().err.split())
    assert "is gone since run" in said and "put the original file back" in said, said
