"""hostile27b (twenty-sixth session): assay's API run inside other programs.

``assay.check_text`` in a ``multiprocessing.Pool`` worker failed with an internal
``AssertionError: daemonic processes are not allowed to have children``: the classifiers'
worker process is forked through ``multiprocessing``, which refuses a pool's (daemonic)
worker any child.  Such a process now runs the classifiers on a thread, as it does where
forking is unsafe, and says why; the findings are those of the same run anywhere else.

Several runs at once on threads of one process, sharing one ``RunStore``, interleaved their
transactions on its one SQLite connection: runs failed, and one vanished from the store.
"""

from __future__ import annotations

import functools
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hostile27b_models import by_sex, negation_aware, negation_blind, people

import assay


def _text_run(store: str) -> tuple[str, int, dict[str, Any], list[str]]:
    result = assay.check_text(
        [negation_blind, negation_aware],
        grammar="builtin:reviews",
        max_queries=2_000,
        seed=1,
        store=store,
    )
    found = sorted(str(s) for s in result.findings()["minimal"])
    return result.status, result.n_findings, result.summary["classifiers answered in"], found


def test_a_text_run_in_a_pool_worker_answers_on_a_thread(tmp_path: Path) -> None:
    with multiprocessing.get_context("fork").Pool(1) as pool:
        status, n, where, found = pool.apply(_text_run, (str(tmp_path / "pool.db"),))
    assert status in ("completed", "budget_exhausted")
    assert where["mode"] == "thread" and "daemonic" in where["why"], where
    # the same findings as the same run in this (non-daemonic) process
    here = _text_run(str(tmp_path / "here.db"))
    assert (n, found) == (here[1], here[3]) and n > 0


def _runs(store: Any, frame: pd.DataFrame) -> list[Callable[[], Any]]:
    """Two fairness and two text runs into ``store`` (a path, or one RunStore for all)."""

    def fairness(seed: int) -> Any:
        return assay.check_fairness(
            by_sex, data=frame, protected=["sex"], max_queries=60_000, seed=seed, store=store
        )

    def text(seed: int) -> Any:
        return assay.check_text(
            [negation_blind, negation_aware],
            grammar="builtin:reviews",
            max_queries=8_000,
            seed=seed,
            store=store,
        )

    return [functools.partial(f, seed) for f in (fairness, text) for seed in (1, 2)]


def test_runs_in_threads_share_one_run_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A web app or a notebook that keeps one ``RunStore`` and runs several checks at once on
    threads: the runs' checkpoints were interleaved on the store's one SQLite connection
    ("cannot start a transaction within a transaction": runs failed and were left running,
    one created run rolled back with another's transaction, gone from the store)."""
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0.01")  # many checkpoints to collide
    frame = people(2_000)
    alone = [run() for run in _runs(tmp_path / "alone.db", frame)]
    shared = assay.RunStore(tmp_path / "shared.db")
    try:
        with ThreadPoolExecutor(4) as pool:
            together = list(pool.map(lambda run: run(), _runs(shared, frame)))
        listed = {r.id: r for r in shared.list_runs()}
    finally:
        shared.close()
    assert len(listed) == 4
    for one, other in zip(alone, together, strict=True):
        assert other.status == one.status and other.status in ("completed", "budget_exhausted")
        assert other.n_findings == one.n_findings > 0
        assert listed[other.run_id].n_findings == other.n_findings


def test_two_threads_never_resume_one_run_at_once(tmp_path: Path) -> None:
    """Two requests of a web app resuming the same run: the run's lock is the process's, so
    both were let through and ran the same search twice into one store (1,506 and 1,160
    findings where an uninterrupted run finds 1,160).  The second is refused, naming the
    thread that runs it; the run then ends with the findings of an uninterrupted run."""
    store, frame = tmp_path / "runs.db", people(2_000)

    def stop_early(p: dict[str, Any]) -> None:
        if int(p.get("queries") or 0) > 3_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt) as caught:
        assay.check_fairness(
            by_sex,
            data=frame,
            protected=["sex"],
            max_queries=60_000,
            seed=1,
            store=store,
            on_progress=stop_early,
        )
    run_id = getattr(caught.value, "run_id", None)
    assert run_id is not None
    asked, go_on = threading.Event(), threading.Event()

    def held(rows: Any) -> np.ndarray:
        asked.set()
        go_on.wait(30)
        return by_sex(rows)

    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(assay.resume_run, run_id, store=store, model=held, data=frame)
        assert asked.wait(30)  # the first resume is under way (its model asked)
        try:
            with pytest.raises(assay.UsageError, match="ThreadPoolExecutor") as refused:
                assay.resume_run(run_id, store=store, model=by_sex, data=frame)
            assert run_id in str(refused.value)
        finally:
            go_on.set()
        resumed = first.result(timeout=120)
    whole = assay.check_fairness(
        by_sex, data=frame, protected=["sex"], max_queries=60_000, seed=1, store=store
    )
    assert resumed.status == whole.status
    assert resumed.n_findings == whole.n_findings > 0
