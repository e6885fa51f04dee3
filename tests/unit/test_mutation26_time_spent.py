"""Where a short --max-time went (mutation26): a phase that took no time is not listed in
the warning, and a search squeezed but asked is warned of, never made "not a pass"."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from assay.core.store import RunStore
from assay.fairness import time_spent
from assay.fairness.time_spent import TimeSpent, squeezed


def _store(tmp_path: Path, asked: dict[str, int]) -> RunStore:
    store = RunStore(tmp_path / "r.db")
    store.create_run(
        run_id="fairness-1", technique="fairness", seed=1, command="c", config={}, model={},
        versions={},
    )  # fmt: skip
    store.checkpoint(
        "fairness-1", status="budget_exhausted", summary={"tested": 9, "model_queries": asked}
    )
    return store


def test_a_phase_that_took_no_time_is_not_said(tmp_path: Path) -> None:
    store = _store(tmp_path, {"search": 0, "estimate": 30, "answer": 100})
    spent = TimeSpent(time.monotonic())
    spent.seconds = {"loading": 3.1, "checks": 0.0, "answer": 0.6, "search": 0.2}
    spent.record(store, "fairness-1", 4.0)
    summary = store.get_run("fairness-1").summary
    (said,) = squeezed(summary)
    assert "(loading 3.1 s, the answer 0.6 s;" in said, said
    assert "determinism" not in said
    assert not summary.get("incomplete_reason")  # the estimate asked: the search did ask


def test_the_phases_add_up_across_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    """(A clock the test sets: a real one made "search < 0.05 s between two marks" fail on
    any stall of a loaded machine.)"""
    clock = [100.0]
    monkeypatch.setattr(time_spent, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    spent = TimeSpent(99.0)
    spent.mark("loading")
    clock[0] = 100.25
    spent.mark("search")
    clock[0] = 101.0
    spent.mark("loading")
    assert spent.seconds == {"loading": 1.75, "search": 0.25}
