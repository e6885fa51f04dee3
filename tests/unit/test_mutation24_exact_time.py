"""An --exact-time the user gave is spent by a resumed run too (mutation24, after hostile23):
the resumed answer rebuilt its options from the stored run, and gave up early as though
the time were the automatic default."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

import assay
import assay.fairness.answer as answer_module
from assay.core.store import RunStore
from assay.fairness.resume import resume_fairness


@pytest.mark.parametrize(("given", "give_up"), [(5.0, None), (None, answer_module.AUTO_GIVE_UP)])
def test_a_resumed_answer_spends_the_exact_time_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, given: float | None, give_up: Any
) -> None:
    seen: list[Any] = []
    real = answer_module.analyse

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("give_up"))
        return real(*args, **kwargs)

    monkeypatch.setattr(answer_module, "analyse", spy)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.integers(0, 50, 400), "sex": rng.integers(0, 2, 400)})
    y = (frame["x"] + 10 * frame["sex"] > 30).astype(int)
    model = DecisionTreeClassifier(random_state=0).fit(frame.to_numpy(), y)
    store = RunStore(tmp_path / "runs.db")
    first = assay.check_fairness(
        model,
        data=frame,
        protected="sex",
        max_queries=300,
        seed=1,
        determinism_check=False,
        exact_time=given,
        store=store,
    )
    store.checkpoint(first.run_id, status="interrupted")  # (stopped before it ended)
    resume_fairness(first.run_id, store=store, model=model, data=frame)
    assert seen == [give_up, give_up], seen


def test_the_time_the_data_rows_took_does_not_count_toward_giving_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An automatic analysis gives up when its refinement decided nothing within a fifth of
    the budget: the rows enumerated first (here taking 3 s of 10 by the clock) are not its."""
    from types import SimpleNamespace

    from assay.fairness.exact import analyse, analysis, compose_read
    from assay.fairness.schema import Feature, Schema
    from assay.models import load_model
    from assay.models.trees import read_trees

    schema = Schema((Feature("x", "integer", 0, 49), Feature("s", "integer", 0, 1)), ("s",))
    rng = np.random.default_rng(0)
    x = schema.sample_uniform(rng, 400)
    est = DecisionTreeClassifier(random_state=0).fit(x, (x[:, 0] + 10 * x[:, 1] > 30))
    trees = compose_read(schema, read_trees(load_model(est)))
    assert not isinstance(trees, str)
    counted = {"rows": False}
    enumerate_rows = analysis._data_bounds

    def rows_then_later(*args: Any, **kwargs: Any) -> Any:
        out = enumerate_rows(*args, **kwargs)
        counted["rows"] = True
        return out

    clock = SimpleNamespace(monotonic=lambda: time.monotonic() + (3.0 if counted["rows"] else 0))
    monkeypatch.setattr(analysis, "_data_bounds", rows_then_later)
    monkeypatch.setattr(analysis, "time", clock)
    got = analyse(schema, trees, "s", data=x, time_budget=10.0, give_up=0.2)
    assert got.status == "exact", got.assumptions
