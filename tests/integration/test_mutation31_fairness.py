"""mutation31: fairness lines merged late in the thirtieth session whose mutants the tests
written with them let live (bench/RESULTS.md, mutation31's table).

- An ``--estimate`` run stopped in its estimate and resumed answers as the run not stopped:
  the estimate's inputs kept for the answer before the stop are restored with its state
  (``EstimateSearch.restore`` through ``kept.restore_kept``; mutant RB10: the answer drew
  3,240 more queries and another share).
- A run of units stopped in its search and resumed answers as the run not stopped: its
  resume keeps no estimate inputs either (``keep_estimate_samples(..., execution)``;
  mutant LK4: 1,442 fewer answer queries, another share).
- A served model found to have stopped answering once the search ended leaves the run
  ``model_unavailable``, never ended and left to finish as if its search were whole
  (``phases._check_still_served``; mutant RB18)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from resume29b_files import KILLED, write_people
from test_resume30_finish import _figures, files
from test_resume30b_clock import ARGS, LOADING, SLOW, assay_run, summary_of

import assay
import assay.fairness.phases as fairness_phases
from assay.core.finishing import finishable
from assay.core.store import RunStore
from assay.errors import ModelUnavailable

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)

OPTIONS: dict[str, Any] = dict(
    model="m.py:biased", data="people.csv", protected="sex", max_queries=20_000, seed=4,
    estimate=True,
)  # fmt: skip


def _in_the_estimate(p: dict[str, Any]) -> bool:
    # (left45r counts a small data file row by row: its estimate samples fewer than 10,000,
    # so the stop lands at its first progress)
    return p.get("phase") == "estimate" and (p.get("estimate") or {}).get("sampled", 0) > 0


def _in_the_search(p: dict[str, Any]) -> bool:
    return p.get("phase") == "search" and int(p.get("queries") or 0) > 3_000


@pytest.mark.parametrize(
    ("units", "where"), [(None, _in_the_estimate), (2, _in_the_search)], ids=["one", "units"]
)
def test_a_resumed_estimate_run_answers_as_the_run_not_stopped(
    files: Path, units: int | None, where: Any
) -> None:
    given = {**OPTIONS, **({"units": units} if units else {})}
    whole = assay.check_fairness(**given, store=files / "whole.db")
    stop = threading.Event()

    def at(p: dict[str, Any]) -> None:
        if where(p):
            stop.set()

    first = assay.check_fairness(**given, store=files / "s.db", stop=stop, on_progress=at)
    assert first.status == "interrupted", first.status
    resumed = assay.resume_run(first.run_id, store=files / "s.db")
    for key in ("verdict", "direction", "model_queries", "answer_tested"):
        assert _figures(resumed.summary.get(key)) == _figures(whole.summary.get(key)), key


def test_a_model_found_gone_after_the_search_is_no_run_to_finish(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(The judgement on the search's requests planted: a served model's error window.)"""
    gone = "the model's endpoint stopped answering (10 of its last 10 requests failed)"
    monkeypatch.setattr(fairness_phases, "stopped_answering", lambda models: gone)
    store = files / "runs.db"
    with pytest.raises(ModelUnavailable, match="stopped answering"):
        assay.check_fairness(**{**OPTIONS, "estimate": False}, store=store)
    with RunStore(store, read_only=True) as s:
        (record,) = s.list_runs()
    assert record.status == "model_unavailable" and not finishable(record), record.status


def _slow_model_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``m.py`` (a model whose import takes ``LOADING`` seconds) and ``people.csv`` in the
    working directory."""
    (tmp_path / "m.py").write_text(SLOW)
    write_people(tmp_path)
    monkeypatch.chdir(tmp_path)


def _killed_in(where: str, *args: str) -> tuple[str, dict[str, Any]]:
    """The command line ``args`` run with ``where`` a kill -9; the run's id and summary."""
    done = assay_run(KILLED, where, *args)
    assert done.returncode == -9, done.stderr
    return summary_of(Path("s.db"))


def test_the_finishing_sessions_loading_is_its_own_phase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed in its answer, finished: the finishing session's loading (its import of a slow
    model) is added to the loading phase, not to its answer's (mutant RB25)."""
    _slow_model_here(tmp_path, monkeypatch)
    run_id, killed = _killed_in("assay.fairness.answer:compute_answer", *ARGS)
    script = "from assay.cli.app import main; import sys; main(sys.argv[1:])"
    resumed = assay_run(script, "resume", run_id, "--store", "s.db", "--quiet")
    assert resumed.returncode == 1, resumed.stderr
    _, finished = summary_of(tmp_path / "s.db")
    first, phases = killed["seconds_by_phase"], finished["seconds_by_phase"]
    assert phases["loading"] >= first["loading"] + LOADING, (first, phases)
    # (and its determinism checks, after the answer: mutants RB27, RB28)
    assert phases["checks"] > first["checks"], (first, phases)


def test_a_session_killed_in_its_checks_keeps_its_answers_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer's seconds are kept as it ends: a session killed in the checks after it
    leaves them for the finish (mutant RB30: kept only as the search ended)."""
    _slow_model_here(tmp_path, monkeypatch)
    _, killed = _killed_in("assay.fairness.phases:confirm_findings", *ARGS)
    phases = killed["seconds_by_phase"]
    assert phases.get("answer", 0) > 0 and phases["search"] > 0, phases


def test_a_resumed_session_killed_after_its_search_keeps_its_phases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped in its search, resumed in a session killed in its answer: that session's
    loading and search are kept as its search ends, for the finish to count (mutant RB31:
    the first session's phases only)."""
    _slow_model_here(tmp_path, monkeypatch)
    stop = threading.Event()

    def at(p: dict[str, Any]) -> None:
        if p.get("phase") == "search" and int(p.get("queries") or 0) > 0:
            stop.set()

    options: dict[str, Any] = {"model": "m.py:biased", "data": "people.csv", "seed": 1}
    options.update(protected="sex", max_queries=3000, store=tmp_path / "s.db")
    first = assay.check_fairness(**options, on_progress=at, stop=stop)
    assert first.status == "interrupted"
    before = first.summary["seconds_by_phase"]
    where = "assay.fairness.answer:compute_answer"
    _, killed = _killed_in(where, "resume", first.run_id, "--store", "s.db", "--quiet")
    phases = killed["seconds_by_phase"]
    assert phases["loading"] >= before["loading"] + LOADING, (before, phases)
    assert phases["search"] > before["search"], (before, phases)
