"""left28: a run stopped by another thread of the caller's program (a web app's cancel
request, a notebook widget's stop button) through ``stop=``, a ``threading.Event``.

Before, the API had no way to do it but a ``KeyboardInterrupt`` raised from ``on_progress``
(undocumented; and a ``KeyboardInterrupt`` out of a server's worker thread ends the server).
Now the run stops at its search's next step as the first Ctrl-C stops it: findings kept,
status ``interrupted``, resumable; the function returns its result and raises nothing.

Each run here runs on a worker thread; its progress callback holds the search's first step
until the main thread has set the event, so that the stop always falls inside the search.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile27b_models import by_sex, negation_aware, negation_blind, people

import assay


class _HeldAtSearch:
    """A progress callback that, at the search's first step (the driver's progress: it
    counts the model's seconds), says so (``searching``) and waits for ``stop`` (set by
    another thread) before the search goes on."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.searching = threading.Event()

    def __call__(self, p: dict[str, Any]) -> None:
        if "model_seconds" in p and not p.get("final") and not self.searching.is_set():
            self.searching.set()
            assert self.stop.wait(30)


def _stopped_from_another_thread(run: Callable[..., Any]) -> Any:
    """``run(stop=..., on_progress=...)`` on a worker thread, stopped by this one once its
    search has begun; its result (any exception it raised is raised here)."""
    stop = threading.Event()
    held = _HeldAtSearch(stop)
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(run, stop=stop, on_progress=held)
        assert held.searching.wait(60), "the search never began"
        stop.set()
        return future.result(timeout=120)


def test_a_fairness_run_stopped_from_another_thread_is_stored_and_resumable(
    tmp_path: Path,
) -> None:
    store = tmp_path / "runs.db"
    common: dict[str, Any] = {"data": people(), "protected": ["sex"], "seed": 1}
    whole = assay.check_fairness(by_sex, max_queries=3_000, store=tmp_path / "clean.db", **common)
    result = _stopped_from_another_thread(
        lambda **kw: assay.check_fairness(by_sex, max_queries=3_000, store=store, **common, **kw)
    )
    assert result.status == "interrupted"
    assert not result.passed
    assert 0 < result.n_findings < whole.n_findings
    with assay.RunStore(store, read_only=True) as s:
        record = s.get_run(result.run_id)
    assert record.status == "interrupted" and record.n_findings == result.n_findings
    resumed = assay.resume_run(result.run_id, store=store, model=by_sex, data=people())
    assert resumed.status == whole.status
    assert resumed.n_findings == whole.n_findings  # as if never stopped


def test_a_text_run_stopped_from_another_thread_is_resumable(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    models = [negation_blind, negation_aware]
    result = _stopped_from_another_thread(
        lambda **kw: assay.check_text(
            models, grammar="builtin:reviews", max_queries=2_000, seed=1, store=store, **kw
        )
    )
    assert result.status == "interrupted"
    with assay.RunStore(store, read_only=True) as s:
        assert s.get_run(result.run_id).status == "interrupted"
    resumed = assay.resume_run(result.run_id, store=store, model=models)
    assert resumed.status in ("completed", "budget_exhausted") and resumed.n_findings > 0


def test_a_backdoor_scan_stopped_from_another_thread_is_resumable(tmp_path: Path) -> None:
    def brightness(x: np.ndarray) -> np.ndarray:
        return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(int)

    brightness.classes_ = [0, 1]  # type: ignore[attr-defined]
    rng = np.random.default_rng(3)
    images, clean = rng.random((6, 8, 8)), rng.random((12, 8, 8))
    store = tmp_path / "runs.db"
    result = _stopped_from_another_thread(
        lambda **kw: assay.check_backdoor(
            brightness,
            images=images,
            clean=clean,
            input_shape="8,8",
            max_queries=4_000,
            seed=1,
            store=store,
            **kw,
        )
    )
    assert result.status == "interrupted"
    resumed = assay.resume_run(
        result.run_id, store=store, model=brightness, images=images, clean=clean
    )
    assert resumed.status in ("completed", "budget_exhausted")


def test_a_resumed_run_is_stopped_again_by_its_own_stop(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    common: dict[str, Any] = {"data": people(), "protected": ["sex"], "seed": 1}
    first = _stopped_from_another_thread(
        lambda **kw: assay.check_fairness(by_sex, max_queries=3_000, store=store, **common, **kw)
    )
    again = _stopped_from_another_thread(
        lambda **kw: assay.resume_run(first.run_id, store=store, model=by_sex, data=people(), **kw)
    )
    assert again.status == "interrupted"
    assert again.n_findings >= first.n_findings


def test_a_stop_set_before_the_call_stops_the_run_before_its_search(tmp_path: Path) -> None:
    stop = threading.Event()
    stop.set()
    result = assay.check_fairness(
        by_sex,
        data=people(),
        protected=["sex"],
        max_queries=3_000,
        seed=1,
        store=tmp_path / "runs.db",
        stop=stop,
    )
    assert result.status == "interrupted"
    assert result.progress["queries"] == 0  # the search asked nothing


def test_a_stop_that_is_not_an_event_is_refused_before_the_run(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    with pytest.raises(assay.UsageError, match="stop") as caught:
        assay.check_fairness(
            by_sex, data=people(), protected=["sex"], store=store, stop=True, max_queries=100
        )
    assert "threading.Event" in str(caught.value)
    assert not store.exists()  # no run made


def test_a_campaign_in_units_stops_between_units_and_resumes(tmp_path: Path) -> None:
    """``units=``: the stop is read as each unit is committed; the units that ended are kept
    and a resume runs the others, to the findings of a campaign never stopped."""
    store = tmp_path / "runs.db"
    common: dict[str, Any] = {"data": people(), "protected": ["sex"], "seed": 1, "units": 3}
    whole = assay.check_fairness(by_sex, max_queries=3_000, store=tmp_path / "clean.db", **common)
    stop = threading.Event()

    def after_the_first_unit(p: dict[str, Any]) -> None:
        if (p.get("units_done") or 0) >= 1:
            stop.set()

    result = assay.check_fairness(
        by_sex,
        max_queries=3_000,
        store=store,
        stop=stop,
        on_progress=after_the_first_unit,
        **common,
    )
    assert result.status == "interrupted"
    assert result.summary["units"]["count"] == 3 and len(result.summary["units"]["queries"]) == 1
    assert 0 < result.n_findings < whole.n_findings
    resumed = assay.resume_run(result.run_id, store=store, model=by_sex, data=people())
    assert resumed.status == whole.status and resumed.n_findings == whole.n_findings
