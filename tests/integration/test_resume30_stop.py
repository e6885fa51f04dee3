"""The API's ``stop=`` set after the search ended, while a fairness run computes its answer,
confirms its IDIs (determinism checks) or retrains, or while a text run re-checks its
minimal failing sentences: the phase ends there (no more model calls), the run keeps its
findings, says what it lacks (never a pass) and ``assay.resume_run`` finishes it, with the
figures the run not stopped has.

It once was read during the search alone: a notebook's stop was ignored for as long as the
answer (20,000 samples and their variants, an exact analysis), the checks or the retraining
took."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from resume29b_files import write_people, write_tree

import assay
from assay.core.finishing import finishable, missing_parts
from assay.core.store import RunStore
from assay.core.unfinished import KEY

pytestmark = pytest.mark.slow

MODEL = '''
import numpy as np

CALLS = []


def biased(x):
    """Favours sex == 1 for x in 31-59; counts its calls."""
    CALLS.append(len(x))
    x = np.asarray(x, dtype=float)
    return (x[:, 0] + 30 * x[:, 2] > 60).astype(int)
'''

FAIRNESS: dict[str, Any] = {
    "model": "m.py:biased",
    "data": "people.csv",
    "protected": "sex",
    "max_queries": 3000,
    "seed": 1,
}
RETRAIN: dict[str, Any] = {
    "model": "m.skops",
    "data": "d.csv",
    "label": "y",
    "protected": "sex",
    "retrain": True,
    "retrain_dir": "out",
    "max_queries": 2000,
    "seed": 1,
}
TEXT: dict[str, Any] = {
    "models": ["builtin:tfidf", "builtin:tfidf-nonegation"],
    "grammar": "builtin:reviews",
    "max_queries": 2000,
    "seed": 2,
}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.py").write_text(MODEL)
    write_people(tmp_path)
    write_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


class StopAt:
    """``on_progress`` that sets ``stop`` when the phase ``phase`` starts after the search
    (the determinism checks are also made before it), noting how many calls the model of
    ``files/m.py`` had answered then."""

    def __init__(self, phase: str, files: Path) -> None:
        self.phase, self.files = phase, files
        self.stop = threading.Event()
        self.searched = False
        self.calls_then: int | None = None

    def __call__(self, p: dict[str, Any]) -> None:
        if p.get("phase") == "search":
            self.searched = True
        elif p.get("phase") == self.phase and self.searched and not self.stop.is_set():
            self.calls_then = len(_calls(self.files))
            self.stop.set()


def _calls(files: Path) -> list[int]:
    """The calls the model of ``files/m.py`` answered in this process (its module, imported
    by assay under a name of its own)."""
    where = str((files / "m.py").resolve())
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == where and hasattr(module, "CALLS"):
            return list(module.CALLS)
    return []


# (options, the phase stopped, what the stopped run lacks, what the finished run has)
CASES = {
    "fairness answer": (FAIRNESS, "answer", ["answer", "determinism", "records"], "verdict"),
    "fairness checks": (FAIRNESS, "checks", ["determinism", "records"], "determinism"),
    "fairness retrain": (RETRAIN, "retrain", ["retrain"], "mitigation"),
    "text re-check": (TEXT, "checks", ["determinism"], "determinism"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_stop_after_the_search_is_heard_and_the_run_finished_by_its_resume(
    files: Path, case: str
) -> None:
    options, phase, lacks, added = CASES[case]
    check = assay.check_text if "models" in options else assay.check_fairness
    at = StopAt(phase, files)
    stopped = check(**options, store=files / "s.db", on_progress=at, stop=at.stop)
    assert at.stop.is_set()
    calls = len(_calls(files))
    with RunStore(files / "s.db", read_only=True) as s:
        record = s.get_run(stopped.run_id)
    assert record.status in ("completed", "budget_exhausted")  # its search had ended
    assert missing_parts(record) == lacks and added not in record.summary
    assert not stopped.passed and record.summary.get("incomplete_reason")
    # finished: the same figures as the run not stopped, which passes (or not) alike
    finished = assay.resume_run(stopped.run_id, store=files / "s.db")
    assert len(_calls(files)) > calls or "models" in options or phase == "retrain"
    clean = check(**options, store=files / "c.db")
    assert finished.status == clean.status and finished.n_findings == clean.n_findings
    assert KEY not in finished.summary and "incomplete_reason" not in finished.summary
    with RunStore(files / "s.db", read_only=True) as s:
        assert not finishable(s.get_run(stopped.run_id))
    for key in ("verdict", "determinism", "regions"):
        assert _same(finished.summary.get(key), clean.summary.get(key)), key
    if phase == "retrain":
        ours, theirs = finished.summary["mitigation"], clean.summary["mitigation"]
        assert ours["rounds"] == theirs["rounds"] and ours["kept"] == theirs["kept"]
        # written where the call asked (retrain_dir), not beside the store
        assert ours["saved"] and all(Path(p).parent == files / "out" for p in ours["saved"])
    assert finished.passed == clean.passed


def _same(a: Any, b: Any) -> bool:
    """Equal but for timings."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = {k for k in a.keys() | b.keys() if "second" not in k and "time" not in k}
        return all(_same(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def test_no_model_call_is_made_once_the_stop_is_set(files: Path) -> None:
    """Set as the answer starts (or the checks after the search): the phases after it ask
    the model nothing more."""
    for phase in ("answer", "checks"):
        at = StopAt(phase, files)
        store = files / f"{phase}.db"
        assay.check_fairness(**FAIRNESS, store=store, on_progress=at, stop=at.stop)
        assert at.calls_then is not None and at.calls_then > 0
        assert len(_calls(files)) == at.calls_then, phase


def test_a_model_that_fails_while_finishing_leaves_the_run_to_finish(files: Path) -> None:
    """A model failure while the run is finished (a served model gone) raises, and leaves
    the run as it was: ended, still lacking what it lacked (marked failed, its resume would
    have searched again: its search state is dropped); finished once the model answers."""
    from assay.errors import ModelError

    def biased(x: Any) -> Any:
        x = np.asarray(x, dtype=float)
        return (x[:, 0] + 30 * x[:, 2] > 60).astype(int)

    def failing(x: Any) -> Any:
        if len(x) > 50:  # (loading it asks a few rows; the answer, hundreds)
            raise RuntimeError("the endpoint went away")
        return biased(x)

    options = {**FAIRNESS, "model": biased}
    at = StopAt("answer", files)
    stopped = assay.check_fairness(**options, store=files / "s.db", on_progress=at, stop=at.stop)
    with pytest.raises(ModelError):
        assay.resume_run(stopped.run_id, store=files / "s.db", model=failing)
    with RunStore(files / "s.db", read_only=True) as s:
        record = s.get_run(stopped.run_id)
    assert record.status == "completed" and missing_parts(record) == [
        "answer",
        "determinism",
        "records",
    ]
    finished = assay.resume_run(stopped.run_id, store=files / "s.db", model=biased)
    assert "verdict" in finished.summary and not finishable(finished_record(files, finished))


def finished_record(files: Path, result: Any) -> Any:
    with RunStore(files / "s.db", read_only=True) as s:
        return s.get_run(result.run_id)
