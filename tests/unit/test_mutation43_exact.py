"""mutation43: the forty-first session's exact-analysis checks, under mutants its tests passed.

``exact_misread.misread`` withdraws exact figures whose trees class the answer's samples
otherwise than the model answered them; its tests had a misreading model only, so a
``misread`` that compared every value's answer with the first value's (a discriminating model
then always "misread": its exact figures withdrawn) passed, as did one that never looked at
the uniform inputs, or wrote the attribute's values into the sample's own rows.  The probe at
the data rows' values (``compose.probe_points``) was only tested where the encoder's codes
were known too."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact import compose_read
from assay.fairness.exact.compose import PROBED_CODES, _too_many_codes
from assay.fairness.exact_misread import misread
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (Feature("h", "integer", 0, 9), Feature("sex", "integer", 0, 1)),
    protected=("sex",),
)


def _sample(rows: np.ndarray, classes: np.ndarray) -> Any:
    return SimpleNamespace(rows=rows, classes=classes)


def _trees_by_sex() -> Any:
    """Trees read as the model answers: the class is the value of sex."""
    return cast(Any, SimpleNamespace(classes_of=lambda rows: rows[:, 1].astype(np.int64)))


ROWS = np.array([[1.0, 0.0], [5.0, 1.0], [9.0, 0.0]])
BY_SEX = np.tile(np.array([0, 1]), (3, 1))  # the model's answer with sex = 0, sex = 1


def test_trees_that_answer_as_a_discriminating_model_are_not_withdrawn() -> None:
    """The model changes outcome with sex on every row, and the trees say so: nothing to
    withdraw (a mutant comparing each value's answer with the first value's withdrew it)."""
    samples = [(_sample(ROWS.copy(), BY_SEX), "uniform inputs"), (None, "data rows")]
    assert misread(SCHEMA, "sex", _trees_by_sex(), samples) is None


def test_uniform_inputs_the_trees_misread_withdraw_them() -> None:
    """A misreading seen on the uniform inputs only (no data rows) withdraws the figures."""
    wrong = np.zeros_like(BY_SEX)  # the model never changes outcome: the trees misread it
    samples = [(_sample(ROWS.copy(), wrong), "uniform inputs"), (None, "data rows")]
    why = misread(SCHEMA, "sex", _trees_by_sex(), samples)
    assert why is not None and "3 of the answer's 3 uniform inputs" in why


def test_the_samples_rows_are_left_as_they_were() -> None:
    """The check varies copies: the sample's rows (kept with the run) keep their values."""
    rows = ROWS.copy()
    misread(SCHEMA, "sex", _trees_by_sex(), [(_sample(rows, BY_SEX), "data rows")])
    assert np.array_equal(rows, ROWS)


def test_a_sample_of_other_values_than_the_attributes_is_not_compared() -> None:
    """Classes for three values of a two-valued attribute are not this attribute's."""
    odd = np.tile(np.array([1, 0, 1]), (3, 1))
    samples = [(_sample(ROWS.copy(), odd), "data rows")]
    assert misread(SCHEMA, "sex", _trees_by_sex(), samples) is None


def test_exactly_the_codes_probed_are_not_too_many() -> None:
    wide = Feature("zip", "integer", 0, 99999)
    assert _too_many_codes(wide, np.arange(PROBED_CODES, dtype=np.float64)) is None
    too_many = _too_many_codes(wide, np.arange(PROBED_CODES + 1, dtype=np.float64))
    assert too_many is not None and f"{PROBED_CODES + 1:,} values of zip" in too_many
    # codes outside the feature's range are never probed, so not counted
    outside = np.r_[np.arange(-5000, 0), np.arange(PROBED_CODES)].astype(np.float64)
    assert _too_many_codes(wide, outside) is None


def _unnamed_zip_encoder() -> tuple[Schema, pd.DataFrame, Any]:
    """An OrdinalEncoder of zip codes fitted on a NumPy array (no column names), a tree
    behind it changing outcome with sex at eight of the forty codes."""
    schema = Schema(
        (
            Feature("zip", "integer", 10000, 99999),
            Feature("sex", "integer", 0, 1),
            Feature("h", "integer", 0, 9),
        ),
        protected=("sex",),
    )
    rng = np.random.default_rng(0)
    zips = rng.choice(np.arange(20000, 90000), 40, replace=False)
    n = 3000
    frame = pd.DataFrame(
        {"zip": rng.choice(zips, n), "sex": rng.integers(0, 2, n), "h": rng.integers(0, 10, n)}
    )
    y = ((frame.h > 5) | (frame.zip.isin(zips[:8]) & (frame.sex == 1))).astype(int)
    front = make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), [0]),
        remainder="passthrough",
    )
    pipe = make_pipeline(front, DecisionTreeClassifier(random_state=0))
    pipe.fit(frame.to_numpy(), y.to_numpy())
    return schema, frame, pipe


def test_an_encoder_fitted_without_column_names_is_seen_at_the_data_rows() -> None:
    """Its codes are not known by name (``step_values``); the data rows' values of zip are
    probed and the encoder is seen not to be affine (without them, read as a constant)."""
    schema, frame, pipe = _unnamed_zip_encoder()
    arrays = read_trees(load_model(pipe))
    assert not isinstance(arrays, str) and not arrays.known
    model = compose_read(schema, arrays, schema.encode(frame.head(1000)))
    assert isinstance(model, str)
    assert "the column derived from zip is not an affine function of it" in model


def test_a_run_probes_the_encoder_at_its_data_rows(tmp_path: Any) -> None:
    """The run hands its data rows to the composition (AN2: not handed, the encoder of
    unnamed columns read as a constant and an exact figure reported)."""
    import assay

    schema, frame, pipe = _unnamed_zip_encoder()
    result = assay.check_fairness(
        model=pipe,
        data=frame.head(1000),
        schema=schema,
        protected=["sex"],
        max_queries=1000,
        store=tmp_path / "runs.db",
    )
    (exact,) = result.summary["exact"]
    assert exact["status"] == "unavailable", exact
    assert "the column derived from zip is not an affine function of it" in exact["reason"]


def test_an_encoder_of_a_column_given_by_position_knows_its_codes() -> None:
    """A ColumnTransformer naming zip by position (``[0]``) on a DataFrame: its encoder's
    codes are zip's (SV10: another column's taken, zip read as a constant with no data)."""
    from sklearn.compose import make_column_transformer as columns

    rng = np.random.default_rng(0)
    zips = rng.choice(np.arange(20000, 90000), 40, replace=False)
    frame = pd.DataFrame(
        {
            "zip": rng.choice(zips, 3000),
            "sex": rng.integers(0, 2, 3000),
            "h": rng.integers(0, 10, 3000),
        }
    )
    y = ((frame.h > 5) | (frame.zip.isin(zips[:8]) & (frame.sex == 1))).astype(int)
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    pipe = make_pipeline(columns((encoder, [0]), remainder="passthrough"), DecisionTreeClassifier())
    arrays = read_trees(load_model(pipe.fit(frame, y)))
    assert not isinstance(arrays, str) and arrays.known is not None
    assert sorted(arrays.known) == ["zip"] and len(arrays.known["zip"]) == 40
