"""mutation37: the compiled walk snaps a feature of 1e14 or more (a negative lattice scale:
multiples of 100 for one reaching 3e15) as the numpy walk does (mutant WK2 of
bench/RESULTS.md's mutation37: the compiled loop's ``s < 0`` branch dropped)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core import jit
from assay.core.budget import BudgetedModel
from assay.core.calls import InlineCaller
from assay.core.findings import FindingBatch
from assay.core.model import Capabilities, ModelInputs
from assay.core.rng import generator
from assay.fairness.lattice import snap
from assay.fairness.schema import Feature, Schema
from assay.fairness.search import make_search

SCHEMA = Schema(
    features=(
        Feature("age", "integer", low=18, high=70),
        Feature("sex", "categorical", categories=("Female", "Male")),
        Feature("assets", "continuous", low=0.0, high=3.0e15),
    ),
    protected=("sex",),
)


class Biased:
    capabilities = Capabilities("tabular", 2, "labels")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        band = (x[:, 2] > 1.0e15) & (x[:, 2] < 2.0e15)
        return ((x[:, 0] > 50) | (band & (x[:, 1] == 1))).astype(np.int64)


def _rows(steps: int) -> np.ndarray:
    model = BudgetedModel(Biased(), max_queries=40_000, caller=InlineCaller())
    rng = np.random.default_rng(0)
    data = np.column_stack(
        [rng.integers(18, 71, 300), rng.integers(0, 2, 300), rng.integers(0, 30, 300) * 1e14]
    ).astype(np.float64)
    search: Any = make_search(
        "walk", schema=SCHEMA, model=model, rng=generator(3), data=data, optimize="time"
    )
    found: list[FindingBatch] = []
    try:
        for _ in range(steps):
            found += search.step()
    except Exception as exc:  # the budget's end
        if type(exc).__name__ != "BudgetExhausted":
            raise
    found += search.flush()
    return np.concatenate([b.inputs[:, 0, :] for b in found]).astype(np.float64)


def test_the_compiled_walk_snaps_a_large_feature_as_the_numpy_walk_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("numba")
    assert SCHEMA.lattice[2] == -100.0
    name = "assay.fairness.search.walkkernel"
    runs = []
    for module in (None, __import__(name, fromlist=["warm"])):
        with monkeypatch.context() as patch:
            patch.setattr(jit, "LARGE", 0)
            patch.setitem(jit._loaded, name, module)
            runs.append(_rows(25))
    assert len(runs[0]) > 100, len(runs[0])
    for rows in runs:  # every value either walk made is a multiple of 100
        assert np.array_equal(snap(rows[:, 2], SCHEMA.lattice[2]), rows[:, 2])
    assert np.array_equal(runs[0], runs[1])
