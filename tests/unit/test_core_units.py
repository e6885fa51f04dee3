"""core.units: a campaign split into units; a failure keeps the finished units, and resuming
runs only the others, to the same findings."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.api import setup_fairness
from assay.core.findings import FindingBatch
from assay.core.model import Capabilities
from assay.core.store import RunStore, new_run_id
from assay.core.units import (
    InProcessUnits,
    Unit,
    UnitResult,
    execute_units,
    plan_units,
    run_unit,
)
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


# -- findings made unique across units -------------------------------------------------------


class _Draws:
    """A toy search: asks the model about ``rounds`` batches of random integers from a small
    space and reports every even answer as a finding, so that units overlap a lot."""

    def __init__(self, model: Any, rng: np.random.Generator, rounds: int, space: int) -> None:
        self.model, self.rng, self.left, self.space = model, rng, rounds, space
        self.found = 0

    @property
    def done(self) -> bool:
        return self.left == 0

    def step(self) -> list[FindingBatch]:
        self.left -= 1
        x = self.rng.integers(0, self.space, size=(20, 1, 2))
        y = np.asarray(self.model.predict(x.reshape(20, 2)))
        hit = y % 2 == 0
        # the same input twice in a unit is the unit's own business: it reports it once
        _, first = np.unique(x[hit].reshape(-1, 2), axis=0, return_index=True)
        keep = np.flatnonzero(hit)[np.sort(first)]
        self.found += len(keep)
        return [FindingBatch("toy", x[keep], y[keep][:, None], np.ones(len(keep)))]

    def flush(self) -> list[FindingBatch]:
        return []

    def progress(self) -> dict[str, Any]:
        return {}

    def summary(self) -> dict[str, Any]:
        return {"found": self.found}


class _Toy:
    name = "toy"

    def config(self) -> dict[str, Any]:
        return {}

    def search(self, model: Any, rng: np.random.Generator) -> _Draws:
        return _Draws(model, rng, rounds=5, space=12)


class _SumModel:
    capabilities = Capabilities(modality="tabular", n_classes=None, outputs="labels")

    def predict(self, inputs: Any, /) -> np.ndarray:
        return np.asarray(inputs).sum(axis=1)


class Reversed(InProcessUnits):
    """Finishes the units last to first (as a cluster may)."""

    def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
        yield from reversed(list(super().run(technique, model, units)))


def _toy_run(store: RunStore, executor: InProcessUnits, run_id: str | None = None) -> Any:
    resume = run_id is not None
    if run_id is None:
        run_id = new_run_id("toy")
        store.create_run(
            run_id=run_id, technique="toy", seed=5, command="", config={}, model={}, versions={}
        )
    return execute_units(
        _Toy(), _SumModel(), store=store, run_id=run_id, seed=5, n_units=6, executor=executor,
        resume=resume,
    )  # fmt: skip


def _rows(store: RunStore, run_id: str) -> np.ndarray:
    return np.concatenate([b.inputs.reshape(len(b), -1) for b in store.iter_batches(run_id)])


def test_findings_of_several_units_are_kept_once_and_counted_exactly(tmp_path) -> None:
    store = RunStore(tmp_path / "runs.db")
    # what the units find on their own, run one by one outside any campaign
    units = plan_units(5, 6, max_queries=None, max_time=None)
    alone = [run_unit(_Toy(), _SumModel(), u) for u in units]
    every = np.concatenate([b.inputs.reshape(len(b), -1) for r in alone for b in r.findings])
    distinct = np.unique(every, axis=0)
    assert len(every) > len(distinct)  # the units do overlap: the test can fail

    out = _toy_run(store, InProcessUnits())
    rows = _rows(store, out.run_id)
    assert len(np.unique(rows, axis=0)) == len(rows) == len(distinct) == out.n_findings
    assert out.summary["units"]["duplicate_findings"] == len(every) - len(distinct)
    # the first unit to find an input keeps it: the stored order is the units' order
    first_seen = every[np.sort(np.unique(every, axis=0, return_index=True)[1])]
    assert np.array_equal(rows, first_seen)
    # units that finish in another order store the very same findings, in the same order
    backwards = _toy_run(store, Reversed())
    assert np.array_equal(_rows(store, backwards.run_id), rows)


def test_a_resumed_campaign_remembers_what_earlier_units_found(tmp_path) -> None:
    store = RunStore(tmp_path / "runs.db")
    clean = _toy_run(store, InProcessUnits())

    with pytest.raises(ModelUnavailable):
        _toy_run(store, FailAfter(3))
    (record,) = [r for r in store.list_runs() if r.id != clean.run_id]
    resumed = _toy_run(store, FailAfter(None), record.id)
    assert resumed.n_findings == clean.n_findings
    assert (
        resumed.summary["units"]["duplicate_findings"]
        == (clean.summary["units"]["duplicate_findings"])
    )
    assert np.array_equal(_rows(store, record.id), _rows(store, clean.run_id))


def test_fairness_units_keep_one_finding_per_class(tmp_path) -> None:
    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0).fit(ds.X[:5000], ds.target[:5000])
    setup = setup_fairness(tree, dataset="adult", protected="race")
    store = RunStore(tmp_path / "runs.db")
    run_id = new_run_id("fairness")
    store.create_run(
        run_id=run_id, technique="fairness", seed=1, command="", config={}, model={}, versions={}
    )
    out = execute_units(
        setup.test, setup.model, store=store, run_id=run_id, seed=1, n_units=8,
        executor=InProcessUnits(), max_queries=16_000, merge=setup.test.merge_summaries,
    )  # fmt: skip
    batches = list(store.iter_batches(run_id))
    # a class is an input apart from its protected values
    rows = np.concatenate([b.inputs[:, 0, :] for b in batches]).astype(np.int64)
    classes = np.delete(rows, setup.test.schema.protected_indices, axis=1)
    assert len(np.unique(classes, axis=0)) == len(classes) == out.n_findings
    assert out.summary["units"]["duplicate_findings"] > 0  # there were some to drop
    assert out.summary["search"]["idis"] == out.n_findings


def test_committed_keys_are_stored_compactly_and_resume_to_the_same_findings(tmp_path) -> None:
    """The keys that keep unit findings unique are resume state: stored as sorted gaps, well
    under the 8 bytes a key they took, and a resumed campaign still drops the same copies."""
    import sqlite3

    ds = load_dataset("adult")
    tree = DecisionTreeClassifier(random_state=0).fit(ds.X[:5000], ds.target[:5000])
    setup = setup_fairness(tree, dataset="adult", protected="race")
    store = RunStore(tmp_path / "runs.db")

    def campaign(executor: Any, run_id: str | None = None) -> Any:
        resume = run_id is not None
        if run_id is None:
            run_id = new_run_id("fairness")
            store.create_run(
                run_id=run_id, technique="fairness", seed=1, command="", config={}, model={},
                versions={},
            )  # fmt: skip
        return execute_units(
            setup.test, setup.model, store=store, run_id=run_id, seed=1, n_units=8,
            executor=executor, max_queries=16_000, merge=setup.test.merge_summaries,
            resume=resume,
        )  # fmt: skip

    clean = campaign(FailAfter(None))
    with pytest.raises(ModelUnavailable):
        campaign(FailAfter(5))
    (record,) = [r for r in store.list_runs() if r.id != clean.run_id]
    with sqlite3.connect(tmp_path / "runs.db") as db:
        (size,) = db.execute(
            "SELECT SUM(LENGTH(data)) FROM state WHERE run_id = ? AND name = ?",
            (record.id, "unit_finding_keys"),
        ).fetchone()
    kept = store.count_findings(record.id)
    assert kept > 500
    assert size < 4 * kept, f"{size} bytes for {kept} keys"  # 8 a key unsorted
    resumed = campaign(FailAfter(None), record.id)
    assert resumed.n_findings == clean.n_findings
    assert np.array_equal(_findings(store, record.id), _findings(store, clean.run_id))
    assert (
        resumed.summary["units"]["duplicate_findings"]
        == clean.summary["units"]["duplicate_findings"]
        > 0
    )
