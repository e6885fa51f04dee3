"""core.units: a campaign split into units; a failure keeps the finished units, and resuming
runs only the others, to the same findings."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.api import setup_fairness
from assay.core.store import RunStore, new_run_id
from assay.core.units import InProcessUnits, Unit, UnitResult, execute_units
from assay.datasets import load_dataset
from assay.errors import ModelUnavailable


class FailAfter(InProcessUnits):
    def __init__(self, n: int | None) -> None:
        self.n = n
        self.ran: list[int] = []

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        for result in super().run(technique, model, units):
            if self.n is not None and len(self.ran) == self.n:
                raise ModelUnavailable("the endpoint went away")
            self.ran.append(result.index)
            yield result


def _findings(store: RunStore, run_id: str) -> np.ndarray:
    a = np.concatenate([b.inputs.reshape(len(b), -1) for b in store.iter_batches(run_id)])
    return a[np.lexsort(a.T[::-1])]


def test_a_failed_unit_run_keeps_finished_units_and_resumes_the_rest(tmp_path) -> None:
    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0).fit(ds.X[:5000], ds.target[:5000])
    setup = setup_fairness(tree, dataset="adult", protected="sex")
    store = RunStore(tmp_path / "runs.db")

    def run(executor: InProcessUnits, run_id: str | None = None) -> tuple[str, Any]:
        resume = run_id is not None
        if run_id is None:
            run_id = new_run_id("fairness")
            store.create_run(
                run_id=run_id, technique="fairness", seed=3, command="", config={}, model={},
                versions={},
            )  # fmt: skip
        outcome = execute_units(
            setup.test, setup.model, store=store, run_id=run_id, seed=3, n_units=4,
            executor=executor, max_queries=6000, resume=resume,
            merge=setup.test.merge_summaries,
        )  # fmt: skip
        return run_id, outcome

    clean_id, clean = run(FailAfter(None))
    assert clean.n_findings > 0
    assert clean.summary["search"]["idis"] == clean.n_findings
    assert clean.summary["units"]["queries"] == [1500] * 4

    failing = FailAfter(2)
    with pytest.raises(ModelUnavailable):
        run(failing)
    (record,) = [r for r in store.list_runs() if r.id != clean_id]
    assert record.status == "model_unavailable" and record.n_findings > 0
    again = FailAfter(None)
    _, resumed = run(again, record.id)
    assert again.ran == [2, 3]  # only the units that had not finished
    assert resumed.n_findings == clean.n_findings
    assert np.array_equal(_findings(store, record.id), _findings(store, clean_id))
