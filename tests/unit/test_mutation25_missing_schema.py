"""mutation25: ``--missing value``'s schema and steady dtypes where the twenty-fourth
session's tests did not reach: a value exactly at a continuous feature's known high stays a
value (never snapped to "missing"), a continuous feature of one value still has a missing code
above it, labelled bins may be missing, a column of whole-number categories keeps ``float64``
in every batch, and a column with no value at all gets the schema's own message."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.steady import steady_dtype
from assay.errors import UsageError
from assay.fairness.schema import MISSING_LABEL, Feature, Schema
from assay.models.inferred_frame import inferred_frame

_INCOME = Feature("income", "continuous", low=0.0, high=90.0, missing=True)
_SCHEMA = Schema(
    features=(_INCOME, Feature("sex", "categorical", categories=("F", "M"))), protected=("sex",)
)


def test_a_value_at_the_known_high_is_a_value_not_missing() -> None:
    rows = np.array([[90.0, 0.0], [120.0, 1.0], [-5.0, 0.0]])
    clipped = _SCHEMA.clip(rows)
    assert clipped[0, 0] == 90.0  # the top of the known range, kept
    assert clipped[1, 0] == _INCOME.encoded_high  # above it: the one missing code
    assert clipped[2, 0] == 0.0
    assert _SCHEMA.decode(clipped)[0, 0] == 90.0
    assert _INCOME.label(90.0) == "90" and _INCOME.value(90.0) == 90.0


def test_a_fractional_column_of_one_value_is_drawn_missing_one_time_in_ten() -> None:
    """A fractional column holding one value beside its empty cells (inferred continuous,
    low = high): the draw gave "missing" every time (the known value a point of no width),
    and the exact analysis weighed it so: a model deciding by sex only where the column is
    missing was given a share of 1.0 where the promised draw (one in ten) gives 0.1."""
    from sklearn.tree import DecisionTreeClassifier

    from assay.fairness.exact import analyse, compose_read
    from assay.models import load_model
    from assay.models.trees import read_trees

    schema = Schema(
        (
            Feature("a", "integer", 0, 4),
            Feature("s", "integer", 0, 1),
            Feature("rate", "continuous", 1.5, 1.5, missing=True),
        ),
        protected=("s",),
    )
    rows = schema.sample_uniform(np.random.default_rng(1), 20_000)
    rate = rows[:, 2]
    assert set(np.unique(rate)) == {1.5, schema.features[2].encoded_high}
    assert 0.08 < float((rate > 1.5).mean()) < 0.12
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.integers(0, 5, 600), rng.integers(0, 2, 600), np.full(600, 1.5)])
    x[rng.random(600) < 0.3, 2] = np.nan
    y = np.where(np.isnan(x[:, 2]), x[:, 1], x[:, 0] > 2).astype(int)
    trees = compose_read(schema, read_trees(load_model(DecisionTreeClassifier().fit(x, y))))
    assert not isinstance(trees, str), trees
    result = analyse(schema, trees, "s")
    assert result.status == "exact"
    assert result.uniform[0] == pytest.approx(0.1) and result.uniform[1] == pytest.approx(0.1)


def test_a_continuous_feature_of_one_value_still_has_its_missing_code_above_it() -> None:
    one = Feature("rate", "continuous", low=5.0, high=5.0, missing=True)
    assert one.encoded_high == 6.0 and one.missing_code == 6.0
    assert one.is_missing(6.0) and not one.is_missing(5.0)
    assert one.label(6.0) == MISSING_LABEL and one.label(5.0) == "5"


def test_a_labelled_feature_may_be_missing() -> None:
    """Bins' labels (``25-39``) count the known values only: marking the feature missing
    (``Empty.marked``) keeps them and adds the missing value above them."""
    age = Feature("age", "integer", low=0, high=2, value_labels=("<25", "25-39", "40+"))
    may = replace(age, missing=True)
    assert may.n_values == 4
    assert [may.label(c) for c in range(4)][1:] == ["25-39 (1)", "40+ (2)", MISSING_LABEL]
    with pytest.raises(UsageError, match="value labels"):
        Feature("age", "integer", low=0, high=2, value_labels=("<25", "25-39"), missing=True)


def test_whole_number_categories_stay_float64_in_every_batch() -> None:
    """A column of whole-number categories read beside an empty cell is ``float64``; a
    batch with no missing value would be ``int64``, and one with a missing value must not
    be turned into ``int64`` (NaN cannot be)."""
    assert steady_dtype([1, 2, 3]) == np.float64
    steady = {"grade": steady_dtype([1, 2, 3])}
    for rows in (
        np.array([[1, "F"], [2, "M"]], dtype=object),
        np.array([[1, "F"], [np.nan, "M"]], dtype=object),
    ):
        frame = inferred_frame(rows, ["grade", "sex"], steady)
        assert frame["grade"].dtype == np.float64


def test_a_column_with_no_value_at_all_gets_the_schemas_message() -> None:
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {"age": rng.integers(20, 60, 80), "note": [np.nan] * 80, "sex": rng.choice(["F", "M"], 80)}
    )

    def model(rows: object) -> np.ndarray:
        return np.zeros(len(np.asarray(rows)), dtype=int)

    with pytest.raises(UsageError, match="column 'note' holds no values"):
        assay.check_fairness(
            model, data=data, protected="sex", missing="value", max_queries=100, seed=1
        )


def test_the_note_lists_six_columns_then_says_there_are_more() -> None:
    from assay.fairness.incomplete import empty_cells

    names = [f"c{i}" for i in range(7)]
    frame = pd.DataFrame({n: [1.0, np.nan, 2.0, 3.0] for n in names} | {"sex": ["F", "M"] * 2})
    empty = empty_cells(frame, ())
    schema = Schema(
        features=(
            *(Feature(n, "continuous", low=1.0, high=3.0) for n in names),
            Feature("sex", "categorical", categories=("F", "M")),
        ),
        protected=("sex",),
    )
    note = empty.note(empty.marked(schema))
    assert note is not None and "7 column(s)" in note
    assert "c5: 1, c6" not in note and "c5: 1, ..." in note, note


def test_an_empty_label_is_refused_not_read_as_a_class() -> None:
    """The label column is no input: ``--missing value`` leaves its empty cells alone (never
    filled with another row's label), and an empty label is refused, whether the model names
    its classes or not (a model answering indices read NaN as class -9223372036854775808,
    the group metrics then comparing its answers with it)."""
    rng = np.random.default_rng(0)
    income = rng.integers(10, 100, 120).astype(float)
    income[::7] = np.nan
    label = rng.integers(0, 2, 120).astype(float)
    label[3] = np.nan
    data = pd.DataFrame(
        {"age": rng.integers(20, 60, 120), "income": income, "sex": ["F", "M"] * 60, "y": label}
    )

    def model(rows: object) -> np.ndarray:
        return np.zeros(len(np.asarray(rows)), dtype=int)

    for missing in ("value", "refuse"):
        frame = data if missing == "value" else data.fillna({"income": 50.0})
        with pytest.raises(UsageError, match="the true label of row 4 is missing"):
            assay.check_fairness(
                model, data=frame, protected="sex", label="y", missing=missing,
                max_queries=100, seed=1,
            )  # fmt: skip


def test_only_the_uniform_estimate_says_missing_is_drawn() -> None:
    from test_missing24b_estimate_text import SCHEMA, _Missing

    from assay.fairness.estimate import Estimate, estimate_share

    rows = SCHEMA.sample_uniform(np.random.default_rng(1), 50)
    est = estimate_share(
        SCHEMA, _Missing(), np.random.default_rng(0), distribution="data", data=rows
    )
    assert "missing" not in est.to_json()  # the rows are as given: nothing was drawn
    data = Estimate.of("data", 3, 100, missing=("income",))
    assert "missing" not in data.where() and "missing" not in data.describe()
