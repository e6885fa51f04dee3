"""exact21: trees that round their inputs to float32 are cut where they cut.

scikit-learn's trees and forests (not HistGradientBoosting) cast the rows to float32 before
comparing them with float64 thresholds; an ONNX graph fed floats does the same with float32
thresholds.  The reading compared the float64 values: a value that rounds across a threshold
went the other way, so a data-row share read 0 where the model's own answers give 2/3, and a
category (or a wide integer) value was certified where the model discriminates.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import (
    ExtraTreesClassifier,
    GradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.tree import DecisionTreeClassifier

from assay.core.model import labels_of
from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.compose import passing32
from assay.fairness.schema import Feature, Schema
from assay.models import from_sklearn, load_model
from assay.models.trees import read_trees

# a float32 number with an odd last bit, and the value halfway to the next one: float32
# rounds that value up (to the even neighbour), above the threshold a tree fitted on both
# places exactly there
LOW32 = float(np.nextafter(np.float32(1000.0), np.float32(2000.0)))
HALF = (LOW32 + float(np.nextafter(np.float32(LOW32), np.float32(2000.0)))) / 2

ESTIMATORS = {
    "tree": lambda: DecisionTreeClassifier(random_state=0),
    "forest": lambda: RandomForestClassifier(5, bootstrap=False, random_state=0),
    "extra": lambda: ExtraTreesClassifier(5, bootstrap=False, random_state=0),
    "boosting": lambda: GradientBoostingClassifier(n_estimators=20, learning_rate=1.0),
}


def _fitted(kind: str) -> Any:
    """Class 1 only for s = 1 at the upper value (the model sees it above the split)."""
    x = np.array([[LOW32, 0], [LOW32, 1], [HALF, 0], [HALF, 1]] * 5)
    y = np.array([0, 0, 0, 1] * 5)
    return ESTIMATORS[kind]().fit(x, y)


def _model_share(estimator: Any, schema: Schema, rows: np.ndarray) -> float:
    """Rows whose class the model changes with s alone (the model's own predict)."""
    return _share(lambda r: estimator.predict(r.astype(np.float64)), schema, rows)


def _loaded_share(model: Any, schema: Schema, rows: np.ndarray) -> float:
    """The same for a loaded model (its classes as assay reads them)."""
    return _share(
        lambda r: labels_of(np.asarray(model.predict(r)), model.capabilities), schema, rows
    )


def _share(predict: Any, schema: Schema, rows: np.ndarray) -> float:
    got = []
    for s in (0, 1):
        r = rows.copy()
        r[:, 1] = s
        got.append(np.asarray(predict(schema.decode(r))))
    return float(np.mean(got[0] != got[1]))


def test_passing32_is_the_largest_float64_that_rounds_to_at_most_the_threshold() -> None:
    rng = np.random.default_rng(0)
    t = np.concatenate(
        [
            rng.normal(0, 1e3, 5000),
            np.float32(rng.normal(0, 1, 5000)).astype(np.float64),
            [0.0, 0.5, -2.0, 1e-40, HALF, 16777219.0],
        ]
    )
    moved = passing32(t)
    assert np.all(moved.astype(np.float32) <= t)
    assert np.all(np.nextafter(moved, np.inf).astype(np.float32) > t)
    assert passing32(np.array([HALF]))[0] < HALF  # HALF itself rounds above


@pytest.mark.parametrize("kind", list(ESTIMATORS))
def test_data_rows_are_cut_where_the_model_rounds_them(kind: str) -> None:
    """Data rows at HALF: the model answers them by s (they round above the split); the
    reading in float64 sent them below it, the data-row share read 0 (the model's: 2/3)."""
    estimator = _fitted(kind)
    schema = Schema(
        (Feature("x", "continuous", 0.0, 3000.0), Feature("s", "integer", 0, 1)),
        protected=("s",),
    )
    rows = np.array([[HALF, 0.0], [HALF, 1.0], [0.5, 0.0]])
    truth = _model_share(estimator, schema, rows)
    assert truth == pytest.approx(2 / 3)
    arrays = read_trees(from_sklearn(estimator))
    assert not isinstance(arrays, str) and arrays.inputs32
    trees = compose_read(schema, arrays)
    assert not isinstance(trees, str)
    result = analyse(schema, trees, "s", data=rows)
    assert result.data is not None
    assert result.data[0] == result.data[1] == pytest.approx(truth, abs=1e-12)


@pytest.mark.parametrize("kind", list(ESTIMATORS))
def test_a_category_that_rounds_across_a_split_is_not_certified(kind: str) -> None:
    """Categories LOW32 and HALF: the model discriminates on HALF (half the domain); the
    reading in float64 certified zero."""
    estimator = _fitted(kind)
    schema = Schema(
        (Feature("x", "categorical", categories=(LOW32, HALF)), Feature("s", "integer", 0, 1)),
        protected=("s",),
    )
    grid = np.array(list(itertools.product([0, 1], [0, 1])), dtype=np.float64)
    truth = _model_share(estimator, schema, grid)
    assert truth == pytest.approx(0.5)
    trees = compose_read(schema, read_trees(from_sklearn(estimator)))
    assert not isinstance(trees, str)
    result = analyse(schema, trees, "s")
    assert result.status == "exact"
    assert result.uniform[0] == pytest.approx(truth, abs=1e-12)


def test_a_wide_integer_rounds_as_float32_holds_it() -> None:
    """Above 2**24 float32 holds even integers only: 16777219 rounds to 16777220, above the
    split at 16777219 a tree fitted on 16777218 and 16777220 makes; the reading sent it
    below (one value of 13,001 read wrong)."""
    x = np.array([[16777218.0, s] for s in (0, 1)] + [[16777220.0, s] for s in (0, 1)])
    estimator = DecisionTreeClassifier(random_state=0).fit(x, [0, 0, 0, 1])
    schema = Schema(
        (Feature("n", "integer", 16777000, 16790000), Feature("s", "integer", 0, 1)),
        protected=("s",),
    )
    rows = np.column_stack([np.arange(16777000, 16790001, dtype=np.float64), np.zeros(13001)])
    truth = _model_share(estimator, schema, rows)
    trees = compose_read(schema, read_trees(from_sklearn(estimator)))
    assert not isinstance(trees, str)
    result = analyse(schema, trees, "s")
    assert result.uniform[0] == pytest.approx(truth, abs=1e-12)
    assert result.uniform[0] == pytest.approx((16790000 - 16777219 + 1) / 13001, abs=1e-12)


def test_a_histogram_booster_compares_float64_and_is_not_rounded() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.array([[LOW32, 0], [LOW32, 1], [HALF, 0], [HALF, 1]] * 20)
    booster = HistGradientBoostingClassifier(max_iter=5).fit(x, np.array([0, 0, 0, 1] * 20))
    arrays = read_trees(from_sklearn(booster))
    assert not isinstance(arrays, str) and not arrays.inputs32


def test_a_float_fed_onnx_graph_cuts_continuous_values_as_it_rounds_them(tmp_path: Path) -> None:
    """A data row a quarter of a float32 step above the graph's threshold: onnxruntime rounds
    it onto the threshold (left); the reading in float64 sent it right."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType

    x = np.array([[1.0, 0], [1.0, 1], [2.0, 0], [2.0, 1]] * 5)
    tree = DecisionTreeClassifier(random_state=0).fit(x, np.array([0, 0, 0, 1] * 5))
    onx = convert_sklearn(
        tree, initial_types=[("X", FloatTensorType([None, 2]))], options={"zipmap": False}
    )
    path = tmp_path / "tree.onnx"
    path.write_bytes(onx.SerializeToString())
    model = load_model(str(path))
    schema = Schema(
        (Feature("x", "continuous", 0.0, 3.0), Feature("s", "integer", 0, 1)),
        protected=("s",),
    )
    above = 1.5 + 2.0**-25  # float32 holds 1.5 and 1.5 + 2**-23: this rounds to 1.5
    rows = np.array([[above, 0.0], [above, 1.0], [2.5, 0.0]])
    truth = _loaded_share(model, schema, rows)
    assert truth == pytest.approx(1 / 3)
    trees = compose_read(schema, read_trees(model))
    assert not isinstance(trees, str)
    result = analyse(schema, trees, "s", data=rows)
    assert result.data is not None and result.data[0] == pytest.approx(truth, abs=1e-12)


def test_an_in_memory_lightgbm_is_cut_in_float64_as_lightgbm_compares() -> None:
    """LightGBM compares float64 rows with float64 thresholds; its ONNX conversion holds and
    compares float32 ones (128 apart near 1.7e9): read from the graph alone, 88 of 20,001
    timestamps went the other way (exact 49.12 %, the model's 49.56 %)."""
    import lightgbm as lgb

    low = 1_700_000_000
    schema = Schema(
        (Feature("t", "integer", low, low + 20000), Feature("s", "integer", 0, 1)),
        protected=("s",),
    )
    rng = np.random.default_rng(0)
    t = rng.integers(low, low + 20001, 4000).astype(np.float64)
    s = rng.integers(0, 2, 4000).astype(np.float64)
    y = ((s == 1) & (t > low + 10050)).astype(int)
    booster = lgb.LGBMClassifier(n_estimators=5, num_leaves=4, min_child_samples=5, verbose=-1)
    model = load_model(booster.fit(np.column_stack([t, s]), y))
    arrays = read_trees(model)
    assert not isinstance(arrays, str)
    assert not arrays.inputs32 and not arrays.float32
    trees = compose_read(schema, arrays)
    assert not isinstance(trees, str)
    rows = np.column_stack([np.arange(low, low + 20001, dtype=np.float64), np.zeros(20001)])
    truth = _loaded_share(model, schema, rows)
    result = analyse(schema, trees, "s")
    assert result.status == "exact"
    assert result.uniform[0] == pytest.approx(truth, abs=1e-12)
