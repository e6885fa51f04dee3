"""A search stopped otherwise than by the time budget (its model failed, its served model
gone, Ctrl-C) is not told to give the run more time; one the budget squeezed is (mutation39:
docs38's test read an interrupted run alone)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.fairness.time_spent import TimeSpent, squeezed


@pytest.mark.parametrize(
    ("status", "told"),
    [
        ("interrupted", False),
        ("failed", False),
        ("model_unavailable", False),
        ("budget_exhausted", True),
    ],
)
def test_only_a_search_the_time_squeezed_is_told_to_give_more_time(
    tmp_path: Path, status: str, told: bool
) -> None:
    store = RunStore(tmp_path / "runs.db")
    store.create_run(run_id="fairness-1", technique="fairness", seed=1, command="c",
                     config={}, model={}, versions={})  # fmt: skip
    store.checkpoint("fairness-1", status=status,
                     summary={"tested": 9, "model_queries": {"search": 900}})  # fmt: skip
    spent = TimeSpent(time.monotonic())
    spent.seconds = {"loading": 17.0, "checks": 0.5, "answer": 2.6, "search": 5.5}
    spent.record(store, "fairness-1", 120.0)
    summary = store.get_run("fairness-1").summary
    assert bool(squeezed(summary)) is told, summary.get("warnings")
