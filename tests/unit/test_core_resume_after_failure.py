"""A run stopped by a model failure keeps the findings it made after its last snapshot; the
resumed search finds them again and does not store them twice (core.run)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.api import setup_fairness
from assay.core.run import execute
from assay.core.store import RunStore, new_run_id
from assay.datasets import load_dataset
from assay.errors import ModelUnavailable


class Failing:
    """Answers like ``model`` until its ``fail_at``-th call, which raises ModelUnavailable."""

    def __init__(self, model: Any, fail_at: int | None) -> None:
        self.model = model
        self.capabilities = model.capabilities
        self.calls = 0
        self.fail_at = fail_at

    def predict(self, inputs: Any, /) -> np.ndarray:
        self.calls += 1
        if self.fail_at is not None and self.calls >= self.fail_at:
            raise ModelUnavailable("gone")
        return np.asarray(self.model.predict(inputs))


def _findings(store: RunStore, run_id: str) -> np.ndarray:
    a = np.concatenate([b.inputs.reshape(len(b), -1) for b in store.iter_batches(run_id)])
    return a[np.lexsort(a.T[::-1])]


def test_findings_after_the_last_snapshot_are_not_stored_twice(tmp_path) -> None:
    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0).fit(ds.X[:8000], ds.target[:8000])
    setup = setup_fairness(tree, dataset="adult", protected="sex")
    store = RunStore(tmp_path / "runs.db")
    kw: dict[str, Any] = {"store": store, "seed": 2, "max_queries": 20_000}

    def new() -> str:
        run_id = new_run_id("fairness")
        store.create_run(
            run_id=run_id, technique="fairness", seed=2, command="", config={}, model={},
            versions={},
        )  # fmt: skip
        return run_id

    clean = new()
    execute(setup.test, setup.model, run_id=clean, **kw)

    run_id = new()
    # a snapshot after the first round, then a failure many rounds later (no checkpoint
    # between: every finding of those rounds is stored at the failure, past the snapshot)
    execute(setup.test, setup.model, run_id=run_id, commit_interval=0.0,
            stop_after_checkpoints=1, **kw)  # fmt: skip
    at_snapshot = store.count_findings(run_id)
    with pytest.raises(ModelUnavailable):
        execute(setup.test, Failing(setup.model, 8), run_id=run_id, resume=True,
                commit_interval=1e9, **kw)  # fmt: skip
    assert store.get_run(run_id).status == "model_unavailable"
    assert store.count_findings(run_id) > at_snapshot  # kept, though past the snapshot
    execute(setup.test, setup.model, run_id=run_id, resume=True, **kw)
    assert np.array_equal(_findings(store, run_id), _findings(store, clean))
