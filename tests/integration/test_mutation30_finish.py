"""Mutation review of resume30's finishing and of ``stop=`` heard after a search
(bench/RESULTS.md, mutation30): behaviour the tests written with that code let a careless
edit break unnoticed.

- ``stop=`` given to ``assay.resume_run`` is heard by the finishing itself: what it had not
  added stays to finish.
- A stop set while a search runs is the search's: the determinism section after it is made
  as before (the phases after the search hear the stop only when the search ended).
- The retraining's generation and its estimates each hear the stop: nothing more is asked
  of the model once it is set, wherever in the retraining it comes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from resume29b_files import write_people, write_tree
from test_resume30_stop import FAIRNESS, MODEL, RETRAIN

import assay
from assay.core.finishing import finishable, missing_parts
from assay.core.store import RunStore

pytestmark = pytest.mark.slow


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "m.py").write_text(MODEL)
    write_people(tmp_path)
    write_tree(tmp_path)  # (--retrain's model and data)
    monkeypatch.chdir(tmp_path)
    return tmp_path


class StopAt:
    """``on_progress`` setting ``stop`` when ``phase`` starts (after the search, unless
    ``phase`` is the search's)."""

    def __init__(self, phase: str) -> None:
        self.phase = phase
        self.stop = threading.Event()
        self.searched = phase == "search"

    def __call__(self, p: dict[str, Any]) -> None:
        if p.get("phase") == "search":
            self.searched = True
        if p.get("phase") == self.phase and self.searched:
            self.stop.set()


def test_a_stop_given_to_the_finishing_is_heard_there(files: Path) -> None:
    first = StopAt("answer")
    stopped = assay.check_fairness(
        **FAIRNESS, store=files / "s.db", on_progress=first, stop=first.stop
    )
    again = StopAt("answer")
    again.searched = True  # (a finishing's first line is the search's last: 'done')
    assay.resume_run(stopped.run_id, store=files / "s.db", on_progress=again, stop=again.stop)
    assert again.stop.is_set()
    with RunStore(files / "s.db", read_only=True) as s:
        record = s.get_run(stopped.run_id)
    # the answer it was stopped in is still to add, and a later resume adds it
    assert missing_parts(record) == ["answer", "determinism", "records"]
    assert "verdict" not in record.summary
    finished = assay.resume_run(stopped.run_id, store=files / "s.db")
    assert "verdict" in finished.summary and "determinism" in finished.summary


def test_a_stop_during_the_search_leaves_the_checks_after_it_made(files: Path) -> None:
    at = StopAt("search")
    result = assay.check_fairness(
        **{**FAIRNESS, "max_queries": 30_000}, store=files / "s.db", on_progress=at, stop=at.stop
    )
    assert at.stop.is_set() and result.status == "interrupted"
    # the search heard it; what follows it, quick, is made as before
    assert "rows" in result.summary["determinism"]
    assert "model_queries" in result.summary


def _watched(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    """The budgeted models the retraining's estimates and generations ask (in order)."""
    from assay.fairness import retrain

    estimates: list[Any] = []
    generations: list[Any] = []
    estimate_share, make_search = retrain.estimate_share, retrain.make_search

    def estimate(schema: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
        estimates.append(model)
        return estimate_share(schema, model, *args, **kwargs)

    def search(*args: Any, **kwargs: Any) -> Any:
        generations.append(kwargs["model"])
        return make_search(*args, **kwargs)

    monkeypatch.setattr(retrain, "estimate_share", estimate)
    monkeypatch.setattr(retrain, "make_search", search)
    return estimates, generations


def test_the_retrainings_estimate_hears_the_stop(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set as the retraining starts: its first estimate asks nothing."""
    estimates, generations = _watched(monkeypatch)
    at = StopAt("retrain")
    result = assay.check_fairness(**RETRAIN, store=files / "s.db", on_progress=at, stop=at.stop)
    assert at.stop.is_set() and estimates
    assert [m.queries for m in estimates + generations] == [0] * len(estimates + generations)
    assert "mitigation" not in result.summary


def test_the_retrainings_generation_hears_the_stop(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Set once its first estimate has ended: its generation asks nothing."""
    from assay.fairness import retrain

    estimates, generations = _watched(monkeypatch)
    stop = threading.Event()
    watched = retrain.estimate_share

    def then_stop(*args: Any, **kwargs: Any) -> Any:
        try:
            return watched(*args, **kwargs)
        finally:
            stop.set()

    monkeypatch.setattr(retrain, "estimate_share", then_stop)
    result = assay.check_fairness(**RETRAIN, store=files / "s.db", stop=stop)
    assert len(estimates) == 1 and estimates[0].queries > 0 and generations
    assert [m.queries for m in generations] == [0] * len(generations)
    assert "mitigation" not in result.summary
    with RunStore(files / "s.db", read_only=True) as s:
        assert finishable(s.get_run(result.run_id))


def test_a_finished_run_is_no_longer_held(files: Path) -> None:
    """Finished through the API, the run is let go (``core.finishing.release``): another
    process may report on it or resume it (a notebook's store stays open)."""
    at = StopAt("checks")
    stopped = assay.check_fairness(**FAIRNESS, store=files / "s.db", on_progress=at, stop=at.stop)
    assert finishable_now(files, stopped.run_id)
    with RunStore(files / "s.db") as kept:  # (a notebook's, open all along)
        assay.resume_run(stopped.run_id, store=kept)
        assert kept.owner(stopped.run_id) is None
    assert not finishable_now(files, stopped.run_id)


def finishable_now(files: Path, run_id: str, name: str = "s.db") -> bool:
    with RunStore(files / name, read_only=True) as s:
        return finishable(s.get_run(run_id))


def test_a_finishings_call_timeout_is_kept_with_the_run(files: Path) -> None:
    """``call_timeout=`` given to the resume that finishes a run bounds its calls and is kept
    (as for a run resumed mid-search), not dropped because the run's status is an ended one."""
    at = StopAt("checks")
    stopped = assay.check_fairness(**FAIRNESS, store=files / "s.db", on_progress=at, stop=at.stop)
    assay.resume_run(stopped.run_id, store=files / "s.db", call_timeout=7.5)
    with RunStore(files / "s.db", read_only=True) as s:
        assert s.get_run(stopped.run_id).config["budget"]["call_timeout"] == 7.5


def test_a_finished_runs_wall_clock_counts_its_earlier_sessions(files: Path) -> None:
    """Rates per wall-clock second of the whole run: the session that finishes it adds the
    seconds the run had taken before (here made 1,000, as a long first session's)."""
    at = StopAt("checks")
    stopped = assay.check_fairness(**FAIRNESS, store=files / "s.db", on_progress=at, stop=at.stop)
    with RunStore(files / "s.db") as s:
        record = s.get_run(stopped.run_id)
        summary = {k: v for k, v in record.summary.items() if k != "wall_seconds"}
        s.checkpoint(record.id, summary=summary, progress={**record.progress, "elapsed": 1000.0})
    finished = assay.resume_run(stopped.run_id, store=files / "s.db")
    assert 1000.0 <= finished.summary["wall_seconds"] < 1000.0 + 300.0


INTERRUPTED = """
import importlib, sys
module, name = sys.argv[1].rsplit(":", 1)
def interrupted(*args, **kwargs):
    raise KeyboardInterrupt
setattr(importlib.import_module(module), name, interrupted)
from assay.cli.app import main
main(sys.argv[2:])
"""


def test_an_interrupt_after_the_search_says_how_to_finish_the_run(files: Path) -> None:
    """Ctrl-C in the answer of a command whose search ended: the command says the line that
    finishes the run (no new search), and that line does."""
    args = ["fairness", "m.py:biased", "--data", "people.csv", "--protected", "sex"]
    args += ["--max-queries", "3000", "--seed", "1", "--store", "s.db"]
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED, "assay.fairness.answer:compute_answer", *args],
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    said = " ".join((done.stdout + done.stderr).split())  # (stdout since cli36)
    assert "finish it (no new search) with: assay resume fairness-" in said, done.stderr
    with RunStore(files / "s.db", read_only=True) as s:
        (run,) = s.list_runs()
        assert finishable(s.get_run(run.id))


STEADY = """
import numpy as np


def steady(x):
    return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(np.int64)
"""


def test_a_scan_that_never_kept_its_check_is_finished_with_its_model(files: Path) -> None:
    """A backdoor scan killed before its determinism section, stored without the check its
    first session made (a run stored before it was kept): finishing loads the model and
    makes the check; its rates per wall-clock second are written as the run not killed's."""
    from resume29b_files import KILLED

    (files / "steady.py").write_text(STEADY)
    rng = np.random.default_rng(0)
    np.save(files / "images.npy", rng.random((4, 8, 8)))
    np.save(files / "clean.npy", rng.random((40, 8, 8)))
    args = ["backdoor", "steady.py:steady", "--images", "images.npy", "--clean", "clean.npy"]
    args += ["--input-shape", "8,8", "--classes", "2", "--seed", "1", "--quiet"]
    store = ["--store", "k.db"]
    done = subprocess.run(
        [sys.executable, "-c", KILLED, "assay.backdoor.api:record_steadiness", *args, *store],
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr
    with RunStore(files / "k.db") as s:
        (run,) = s.list_runs()
        budget = dict(s.get_run(run.id).config["budget"])
        assert isinstance(budget.pop("determinism_probe"), dict)
        s.set_config(run.id, budget=budget)
        assert finishable(s.get_run(run.id))
    finished = assay.resume_run(run.id, store=files / "k.db")
    clean = assay.check_backdoor(
        model="steady.py:steady",
        images="images.npy",
        clean="clean.npy",
        input_shape="8,8",
        classes=2,
        seed=1,
        store=files / "c.db",
    )
    assert finished.summary["determinism"] == clean.summary["determinism"]
    assert set(finished.summary["metrics"]) == set(clean.summary["metrics"])
    assert not finishable_now(files, run.id, "k.db")
