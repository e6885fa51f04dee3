"""left42f: exact42 probed a wide feature's columns at at most 1,024 of the data's and its
encoders' values together (evenly among the distinct ones).  A one-hot encoder fitted on 1,500
zip codes, three of them frequent (``min_frequency``) and the rest infrequent, moves its
columns only at the three frequent codes (every other code, known or not, is the infrequent
column's): none of them among the 1,024 probed, every column was read as a constant and a tree
whose outcome changes with sex at two of those codes was certified "no input changes outcome
with sex" (8.75 % of the training rows do).  Every code an encoder knows in the range is
probed now; beyond ``PROBED_CODES`` of them the exact analysis is refused, naming the
feature."""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import make_column_transformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact import analyse, compose_read
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

# (the package's own ``compose`` is the function of that name: the module is read from
# ``sys.modules``)
composing = importlib.import_module("assay.fairness.exact.compose")

SCHEMA = Schema(
    (
        Feature("zip", "integer", 10000, 99999),
        Feature("sex", "integer", 0, 1),
        Feature("h", "integer", 0, 9),
    ),
    protected=("sex",),
)


def _fitted(codes: np.ndarray, frequent: np.ndarray, encoder: Any) -> tuple[Any, pd.DataFrame]:
    rng = np.random.default_rng(0)
    n = len(codes) + 3000
    zips = np.concatenate([codes, rng.choice(frequent, n - len(codes))])
    frame = pd.DataFrame({"zip": zips, "sex": rng.integers(0, 2, n), "h": rng.integers(0, 10, n)})
    y = ((frame.h > 5) | (frame.zip.isin(frequent[:2]) & (frame.sex == 1))).astype(int)
    front = make_column_transformer((encoder, ["zip"]), remainder="passthrough")
    pipe = make_pipeline(front, DecisionTreeClassifier(random_state=0)).fit(frame, y)
    return pipe, frame


def test_frequent_codes_among_many_infrequent_ones_are_probed() -> None:
    codes = np.arange(20000, 23000, 2)  # 1,500 codes
    # three codes an even spread of 1,024 among the 1,500 leaves out
    spread = np.linspace(0, len(codes) - 1, 1024).round().astype(np.int64)
    frequent = codes[np.setdiff1d(np.arange(len(codes)), spread)[[100, 200, 300]]]
    encoder = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=5)
    pipe, frame = _fitted(codes, frequent, encoder)
    truth = np.mean(pipe.predict(frame.assign(sex=0)) != pipe.predict(frame.assign(sex=1)))
    assert truth > 0.05
    for data in (None, SCHEMA.encode(frame)):
        model = compose_read(SCHEMA, read_trees(load_model(pipe)), data)
        # main: read, and certified "no input in this domain changes outcome with sex"
        assert isinstance(model, str), analyse(SCHEMA, model, "sex").certificate
        assert "the column derived from zip is not an affine function of it" in model


def test_an_encoder_knowing_more_codes_than_probed_is_refused_by_name() -> None:
    limit = composing.PROBED_CODES
    codes = np.arange(20000, 20000 + limit + 100)  # consecutive: an affine code
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    pipe, _ = _fitted(codes, codes[:3], encoder)
    reason = compose_read(SCHEMA, read_trees(load_model(pipe)))
    assert reason == (
        f"an encoder in front of the trees was fitted on {limit + 100:,} values of "
        f"zip, more than the {limit:,} the exact analysis probes one by one: its "
        "columns are not checked to be an affine function of it"
    )
