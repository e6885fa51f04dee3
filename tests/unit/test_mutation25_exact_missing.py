"""mutation25: the exact analysis's missing value where the twenty-fourth session's tests
did not reach: a wide integer feature (cut by ranges, more than ``WIDE`` values) that may be
missing weighs its missing value as one value of all, and a data row at a ranged feature's
known high is a value of its own, never the missing atom."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.domain import WIDE, build_domain
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees


def _trees(schema: Schema, high: float, integer: bool) -> Any:
    """A tree where s decides only when the first column is missing (NaN), and the column
    decides otherwise (above half its range: 1)."""
    rng = np.random.default_rng(0)
    n = 3000
    first = rng.integers(0, int(high) + 1, n) if integer else rng.random(n) * high
    x = np.column_stack([first, rng.integers(0, 2, n)]).astype(float)
    x[rng.random(n) < 0.2, 0] = np.nan
    y = np.where(np.isnan(x[:, 0]), x[:, 1], x[:, 0] > high / 2).astype(int)
    trees = compose_read(schema, read_trees(load_model(DecisionTreeClassifier().fit(x, y))))
    assert not isinstance(trees, str), trees
    return trees


def test_a_wide_integer_features_missing_value_weighs_one_value() -> None:
    high = 2 * WIDE
    schema = Schema(
        (Feature("a", "integer", 0, high, missing=True), Feature("s", "integer", 0, 1)),
        protected=("s",),
    )
    result = analyse(schema, _trees(schema, high, True), "s")
    assert result.status == "exact"
    assert result.uniform[0] == pytest.approx(1 / (high + 2), rel=1e-9)  # one of high + 2
    assert result.uniform[1] == pytest.approx(1 / (high + 2), rel=1e-9)


@pytest.mark.parametrize("kind", ["continuous", "wide-integer"])
def test_a_data_row_at_the_known_high_is_a_value_not_missing(kind: str) -> None:
    integer = kind != "continuous"
    high = float(2 * WIDE) if integer else 10.0
    f = Feature("a", "integer" if integer else "continuous", 0, high, missing=True)
    schema = Schema((f, Feature("s", "integer", 0, 1)), protected=("s",))
    trees = _trees(schema, high, integer)
    atoms = build_domain(schema, trees).atoms[0]
    at = atoms.atom_of(np.array([high, f.encoded_high, 0.0]))
    assert at.tolist() == [atoms.n - 2, atoms.n - 1, 0]
    rows = np.array([[high, 0.0], [high, 1.0], [f.encoded_high, 0.0], [0.0, 1.0]])
    result = analyse(schema, trees, "s", data=rows)
    assert result.data == pytest.approx((0.25, 0.25))  # the missing row alone


def test_a_wide_integer_box_reaching_the_missing_value_says_so_without_its_code() -> None:
    from assay.fairness.exact.analysis import condition_text

    f = Feature("a", "integer", 0, 2 * WIDE, missing=True)
    top = f.encoded_high  # the missing value's code, one past the known high
    assert condition_text(f, [[5000.0, top]]) == f"(a 5000-{2 * WIDE} or a is missing)"
    assert condition_text(f, [[top, top]]) == "a is missing"
    assert condition_text(f, [[0.0, 100.0]]) == "a 0-100"


def test_trees_behind_an_imputer_are_read_though_they_do_not_say_where_nan_goes() -> None:
    """A missing value filled in front of the trees (an imputer: 2.0) never reaches them as
    NaN: trees whose reading does not say where NaN goes are read, and the missing value
    goes where the fill does."""
    from test_missing24b_exact_missing import FRACTIONAL

    from assay.fairness.exact import compose

    class Arrays:  # c <= 5: class 0, else class 1; no ``missing_left``
        feature = np.array([2, -1, -1])
        threshold = np.array([5.0, 0.0, 0.0])
        left = np.array([1, -1, -1])
        right = np.array([2, -1, -1])
        value = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])

    def filled(raw: Any) -> np.ndarray:
        x = np.array(raw, dtype=np.float64)
        x[np.isnan(x)] = 2.0
        return x

    trees = compose(FRACTIONAL, [Arrays()], combine="mean", transform=filled)
    assert not isinstance(trees, str), trees
    missing = FRACTIONAL.features[2].encoded_high
    rows = np.array([[0.0, 0.0, 3.0], [0.0, 0.0, 9.0], [0.0, 0.0, missing], [0.0, 0.0, 10.0]])
    assert trees.predict_encoded(rows).tolist() == [0, 1, 0, 1]  # (10: the known high)


def test_a_probe_from_a_row_with_a_missing_value_reads_each_column_once() -> None:
    """The columns in front of the trees are probed from one drawn row; where that row is
    missing a value, its column is NaN in every probe (NaN equals NaN there: it has not moved
    with the other features, and the trees are read)."""
    from assay.fairness.exact import compose

    schema = Schema(
        (
            Feature("m", "integer", 0, 0, missing=True),  # the drawn row: missing here
            Feature("s", "integer", 0, 1),
            Feature("c", "continuous", 0.0, 10.0, missing=True),
        ),
        protected=("s",),
    )
    assert schema.features[0].is_missing(schema.sample_uniform(np.random.default_rng(0), 1)[0, 0])

    class Arrays:  # c <= 5 (missing: left): class 0, else class 1
        feature = np.array([2, -1, -1])
        threshold = np.array([5.0, 0.0, 0.0])
        left = np.array([1, -1, -1])
        right = np.array([2, -1, -1])
        value = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
        missing_left = np.array([True, False, False])

    def passed_on(raw: Any) -> np.ndarray:  # (a scaler: NaN passes through)
        return np.array(raw, dtype=np.float64) * 2.0

    trees = compose(schema, [Arrays()], combine="mean", transform=passed_on)
    assert not isinstance(trees, str), trees
    rows = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0], [1.0, 1.0, schema.features[2].encoded_high]])
    assert trees.predict_encoded(rows).tolist() == [0, 1, 0]
