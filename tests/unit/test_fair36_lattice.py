"""fair36: a continuous value stepped up and back is the value it left, not one differing
from it by float rounding (hostile35's Left 1: ``income`` 49.1 and 49.099999999999994 were two
IDIs, about 5 % of a run's).  Every search keeps continuous values on a decimal lattice
(``fairness.lattice``), and class keys treat values equal within rounding as one class."""

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
from assay.fairness.lattice import scales, snap
from assay.fairness.oracle import KIND, Oracle
from assay.fairness.schema import Feature, Schema
from assay.fairness.search import make_search
from assay.fairness.units import finding_keys

SCHEMA = Schema(
    features=(
        Feature("age", "integer", low=18, high=70),
        Feature("sex", "categorical", categories=("Female", "Male")),
        Feature("income", "continuous", low=4.3, high=95.3),
        Feature("debt", "continuous", low=0.0, high=0.37),
    ),
    protected=("sex",),
)
INCOME = 2


class Biased:
    """Discriminates on sex in an income band (as hostile35's logistic pipeline did)."""

    capabilities = Capabilities("tabular", 2, "labels")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        band = (x[:, 2] > 35.0) & (x[:, 2] < 65.0) & (x[:, 3] < 0.3)
        return ((x[:, 0] > 30) | (band & (x[:, 1] == 1))).astype(np.int64)


def _data(n: int = 400) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.column_stack(
        [
            rng.integers(18, 71, n),
            rng.integers(0, 2, n),
            np.round(rng.uniform(4.3, 95.3, n), 1),  # a CSV's one decimal
            np.round(rng.uniform(0.0, 0.37, n), 2),
        ]
    ).astype(np.float64)


def _search(
    strategy: str,
    optimize: str | None,
    steps: int,
    schema: Schema = SCHEMA,
    biased: Any = None,
    data: np.ndarray | None = None,
) -> tuple[Any, list[FindingBatch]]:
    model = BudgetedModel(biased or Biased(), max_queries=40_000, caller=InlineCaller())
    extra = {} if optimize is None else {"optimize": optimize}
    rows = _data() if data is None else data
    search = make_search(strategy, schema=schema, model=model, rng=generator(3), data=rows, **extra)
    found: list[FindingBatch] = []
    try:
        for _ in range(steps):
            found += search.step()
    except Exception as exc:  # the budget's end
        if type(exc).__name__ != "BudgetExhausted":
            raise
    found += search.flush()
    return search, found


def _rows(found: list[FindingBatch]) -> np.ndarray:
    return np.concatenate([b.inputs[:, 0, :] for b in found]).astype(np.float64)


def _near_duplicates(rows: np.ndarray) -> int:
    """Findings equal to another one to 9 decimals, but not bit for bit."""
    exact = {r.tobytes() for r in rows}
    near = {np.round(r, 9).tobytes() for r in rows}
    return len(exact) - len(near)


@pytest.mark.parametrize(
    ("strategy", "optimize"),
    [("walk", "queries"), ("walk", "time"), ("aequitas-full", None)],
)
def test_a_search_over_continuous_features_finds_no_input_twice_within_rounding(
    strategy: str, optimize: str | None
) -> None:
    _, found = _search(strategy, optimize, 60)
    rows = _rows(found)
    assert len(rows) > 300, len(rows)
    # on main: 270 of 2,412 (walk, queries), 1,168 of 14,095 (time), 66 of 6,391 (aequitas)
    assert _near_duplicates(rows) == 0
    assert len({r.tobytes() for r in rows}) == len(rows)
    for j in (2, 3):  # every continuous value the search made is on its lattice
        col = rows[:, j]
        assert np.array_equal(snap(col, SCHEMA.lattice[j]), col)


def _numpy_and_compiled(monkeypatch: pytest.MonkeyPatch, run: Any) -> list[np.ndarray]:
    """``run()``'s rows with the walk's numpy loop, then with its compiled one."""
    pytest.importorskip("numba")
    name = "assay.fairness.search.walkkernel"
    runs = []
    for module in (None, __import__(name, fromlist=["warm"])):
        with monkeypatch.context() as patch:
            patch.setattr(jit, "LARGE", 0)
            patch.setitem(jit._loaded, name, module)
            runs.append(run())
    return runs


def test_the_compiled_walk_puts_values_on_the_lattice_as_the_numpy_walk_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs = _numpy_and_compiled(monkeypatch, lambda: _rows(_search("walk", "time", 25)[1]))
    assert len(runs[0]) > 300
    assert np.array_equal(runs[0], runs[1])
    assert _near_duplicates(runs[1]) == 0


def test_a_step_up_and_back_gives_the_value_it_left() -> None:
    lattice = SCHEMA.lattice
    assert lattice[0] == lattice[1] == 0  # discrete: whole numbers, not snapped
    assert lattice[INCOME] == 1e12  # 14 digits of 95.3
    unit = snap(np.array(0.01 * (95.3 - 4.3)), lattice[INCOME])
    assert float(unit) == 0.91
    up = snap(np.array(31.9 + unit), lattice[INCOME])
    assert float(up) == 32.81
    assert 31.9 + 0.91 - 0.91 == 31.899999999999995  # what the walk computed before
    assert float(snap(up - unit, lattice[INCOME])) == 31.9
    # a CSV's values are on the lattice already: snapping leaves them bit for bit
    values = np.round(np.random.default_rng(1).uniform(4.3, 95.3, 10_000), 4)
    assert np.array_equal(snap(values, lattice[INCOME]), values)
    # ten unit steps up, then ten down, in any order: the value left
    rng = np.random.default_rng(2)
    for start in values[:200]:
        x = float(start)
        for sign in rng.permutation([1.0] * 10 + [-1.0] * 10):
            x = float(snap(np.array(x + sign * unit), lattice[INCOME]))
        assert x == start


def test_scales_of_large_small_and_narrow_features() -> None:
    lows = np.array([0.0, -3e15, 0.0, 1e6, 0.0])
    highs = np.array([1e-3, 3e15, 0.0, 1e6 + 1e-6, 1.0])
    out = scales(lows, highs, np.array([False, False, False, False, True]))
    assert out[0] == 1e17  # 14 digits of 0.001
    assert out[1] == -100.0  # multiples of 100 for a feature reaching 3e15
    assert out[2] == out[3] == out[4] == 0  # a point, a span under 1e-9 of 1e6, discrete
    big = np.array([2.9e15 + 7.0, 2.9e15 + 60.0, -1234567890123457.0])
    assert np.array_equal(snap(big, out[1]), [2.9e15, 2.9e15 + 100.0, -1234567890123500.0])


def test_values_equal_within_rounding_are_one_class() -> None:
    oracle = Oracle(SCHEMA, Biased())
    rows = np.array(
        [
            [40.0, 0.0, 49.1, 0.1],
            [40.0, 1.0, 49.099999999999994, 0.1],  # rounding: the same class
            [40.0, 0.0, 49.1, 0.09999999999999999],
            [40.0, 0.0, 49.100000001, 0.1],  # a different value
        ]
    )
    keys = oracle.class_keys(rows)
    assert keys[0] == keys[1] == keys[2] != keys[3]
    batch = FindingBatch(
        kind=KIND,
        inputs=np.stack([rows, rows], axis=1),
        outputs=np.zeros((4, 2)),
        severity=np.ones(4),
    )
    assert np.array_equal(finding_keys(SCHEMA, batch), keys)  # as the search tells classes


def test_uniform_samples_are_on_the_lattice_and_within_odd_bounds() -> None:
    schema = Schema(
        features=(
            Feature("x", "continuous", low=0.12345678901234567, high=7.3000000000000007),
            Feature("s", "integer", low=0, high=1),
        ),
        protected=("s",),
    )
    rows = schema.sample_uniform(np.random.default_rng(0), 20_000)
    x = rows[:, 0]
    assert x.min() >= schema.lows[0] and x.max() <= schema.highs[0]
    inside = (x > schema.lows[0]) & (x < schema.highs[0])
    assert np.array_equal(snap(x[inside], schema.lattice[0]), x[inside])


LARGE = Schema(
    features=(
        Feature("age", "integer", low=18, high=70),
        Feature("sex", "categorical", categories=("Female", "Male")),
        Feature("assets", "continuous", low=0.0, high=3.0e15),
    ),
    protected=("sex",),
)


class BiasedLarge:
    capabilities = Capabilities("tabular", 2, "labels")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        band = (x[:, 2] > 1.0e15) & (x[:, 2] < 2.0e15)
        return ((x[:, 0] > 50) | (band & (x[:, 1] == 1))).astype(np.int64)


def test_the_compiled_walk_snaps_a_large_feature_as_the_numpy_walk_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """(mutation37's WK2) a feature reaching 3e15: multiples of 100 (a negative scale), in
    the compiled loop as in numpy's."""
    assert LARGE.lattice[2] == -100.0
    rng = np.random.default_rng(0)
    data = np.column_stack(
        [rng.integers(18, 71, 300), rng.integers(0, 2, 300), rng.integers(0, 30, 300) * 1e14]
    ).astype(np.float64)
    runs = _numpy_and_compiled(
        monkeypatch, lambda: _rows(_search("walk", "time", 25, LARGE, BiasedLarge(), data)[1])
    )
    assert len(runs[0]) > 100, len(runs[0])
    for rows in runs:  # every value either walk made is a multiple of 100
        assert np.array_equal(snap(rows[:, 2], LARGE.lattice[2]), rows[:, 2])
    assert np.array_equal(runs[0], runs[1])
