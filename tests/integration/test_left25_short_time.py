"""A short ``--max-time`` that loading (a busy machine, a slow model) took most of: the run
says where the time went, the answer leaves the search its share, and a search that asked
nothing is never a pass."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.core.outcome import not_a_pass
from assay.core.store import RunStore
from assay.fairness.phases import answer_time
from assay.fairness.time_spent import TimeSpent


def fair(x: Any) -> np.ndarray:
    """Reads only x: no input changes with sex alone."""
    return (np.asarray(x, dtype=np.float64)[:, 0] > 30).astype(np.int64)


def _frame() -> Any:
    import pandas as pd

    rng = np.random.default_rng(0)
    X = np.column_stack(
        [rng.integers(0, 50, 400), rng.integers(0, 10, 400), rng.integers(0, 2, 400)]
    )
    return pd.DataFrame(X, columns=["x", "z", "sex"])


def _slow_loading(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    import assay.fairness.check as fairness_check

    loaded = fairness_check.setup_fairness

    def slow_setup(*args: object, **kwargs: object) -> object:
        setup = loaded(*args, **kwargs)  # (its probe calls, then the slow part: left29)
        time.sleep(seconds)
        return setup

    monkeypatch.setattr(fairness_check, "setup_fairness", slow_setup)


def test_loading_that_took_all_the_time_leaves_nothing_asked_and_no_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading took all of --max-time: nothing is asked past it (before: the determinism
    check's 1,000 queries and the answer's 1,400), the run says where the time went, and it
    is not a pass (before: the answer, which found nothing on this fair model, passed it).
    (A program with a SIGALRM handler of its own: the alarm that stops loading is not
    assay's to use, core.loading_time, and loading runs to its end.  Elsewhere the call
    raises at max_time: test_left29_api_loading_time on the main thread,
    test_left30_thread_loading on a server's thread.)"""
    _slow_loading(monkeypatch, 2.2)
    theirs = signal.signal(signal.SIGALRM, lambda *_: None)
    try:
        result = assay.check_fairness(
            fair, data=_frame(), protected="sex", max_time=2.0, seed=1, store=tmp_path / "r.db"
        )
    finally:
        signal.signal(signal.SIGALRM, theirs)
    summary = result.summary
    assert summary["model_queries"]["total"] == 0, summary["model_queries"]
    assert not_a_pass(summary) is not None, summary.get("headline")
    spent = summary["seconds_by_phase"]
    assert spent["loading"] >= 2.2 and spent["search"] < 0.2, spent
    said = [w for w in result.warnings if w.startswith("max_time 2 left the search")]
    assert said and "loading 2." in said[0], result.warnings


def test_a_search_that_asked_nothing_beside_an_answer_is_not_a_pass(tmp_path: Path) -> None:
    """The answer asked the model, the search nothing: NOT EVERYTHING WAS TESTED."""
    store = RunStore(tmp_path / "r.db")
    store.create_run(
        run_id="fairness-1", technique="fairness", seed=1, command="c", config={}, model={},
        versions={},
    )  # fmt: skip
    asked = {"search": 0, "estimate": 0, "answer": 1400, "checks": 100, "total": 1500}
    store.checkpoint(
        "fairness-1",
        status="budget_exhausted",
        summary={"tested": 0, "answer_tested": 700, "model_queries": asked},
    )
    assert not_a_pass(store.get_run("fairness-1").summary) is None  # (the answer tested)
    spent = TimeSpent(time.monotonic() - 4.0)
    spent.seconds = {"loading": 3.1, "checks": 0.2, "answer": 0.6, "search": 0.0}
    spent.record(store, "fairness-1", 4.0)
    summary = store.get_run("fairness-1").summary
    failed = not_a_pass(summary)
    assert failed is not None and failed[0] == "not everything was tested", failed
    assert "the search asked no query" in failed[1] and "loading 3.1 s" in failed[1], failed
    assert summary["seconds_by_phase"]["loading"] == 3.1


def test_a_run_with_time_for_its_search_says_nothing_more(tmp_path: Path) -> None:
    result = assay.check_fairness(
        fair, data=_frame(), protected="sex", max_time=3.0, seed=1, store=tmp_path / "r.db"
    )
    assert not any(w.startswith("--max-time") for w in result.warnings), result.warnings
    assert set(result.summary["seconds_by_phase"]) >= {"loading", "answer", "search"}


def test_the_answer_leaves_the_search_its_share_of_what_loading_left() -> None:
    """--max-time 4 with 1 s left after loading: the answer takes a quarter of that second,
    not a tenth of the 4 s (0.4 s, which with the finishing reserve left the search none)."""
    assert answer_time(4.0) == pytest.approx(0.4)
    assert answer_time(4.0, left=1.0) == pytest.approx(0.25)
    assert answer_time(4.0, left=10.0) == pytest.approx(0.4)
    assert answer_time(4.0, left=-1.0) == 0.0
