"""left43m: the exact analysis's probing bounds as documented (docs/fairness.md: a wide
feature's columns "probed at its bounds, 31 points between them, the data rows' values of it
(up to 1,024) and every category its encoders were fitted on in its range", "an encoder
fitted on more than 2,048 values of such a feature is refused without probing"), and its
line check's tolerance (float noise, not a kink).

mutation43 left CP3 (2,048 -> 20,480), CP9 (the data's values thinned to 8), CP10 (the
range strict) and CP17 (the tolerance 1e-3 of the line's scale) alive: no test built a case
each changes."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier

from assay.fairness.exact import compose, compose_read
from assay.fairness.schema import Feature, Schema
from assay.models import load_model
from assay.models.trees import read_trees

SCHEMA = Schema(
    (Feature("zip", "integer", 0, 99999), Feature("sex", "integer", 0, 1)),
    protected=("sex",),
)


def _encoded(zips: np.ndarray, seed: int = 0) -> Any:
    """An OrdinalEncoder of zip (its unknown values -1) in front of a tree, fitted on
    ``zips``; the trees as read."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"zip": zips, "sex": rng.integers(0, 2, len(zips))})
    y = (frame.zip.isin(zips[:8]) & (frame.sex == 1)).astype(int)
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    pipe = make_pipeline(encoder, DecisionTreeClassifier(random_state=0)).fit(frame, y)
    arrays = read_trees(load_model(pipe))
    assert not isinstance(arrays, str), arrays
    return arrays


def test_an_encoder_of_2049_values_between_the_bounds_is_refused_unprobed() -> None:
    """2,049 codes, the feature's two bounds among them: more than the 2,048 documented
    (CP3: 20,480; CP10: the bounds not counted, 2,047), refused as documented."""
    rng = np.random.default_rng(1)
    middle = rng.choice(np.arange(1, 99999), 2047, replace=False)
    arrays = _encoded(np.r_[0, 99999, middle])
    why = compose_read(SCHEMA, arrays)
    assert isinstance(why, str)
    assert "fitted on 2,049 values of zip, more than the 2,048" in why


def test_the_data_rows_values_are_probed_up_to_1024() -> None:
    """Codes not read (the composition asked with the data rows only): 1,100 distinct zips
    in the data, three of them the encoder's codes, among the 1,024 evenly spaced values
    probed; the encoder is seen to move (thinned to eight, none a code: read as a
    constant).  (CP9, the thinning's condition ``> 8``, is equivalent: 1,024 evenly spaced
    picks of fewer values are all of them.)"""
    rng = np.random.default_rng(2)
    values = np.sort(rng.choice(np.arange(100, 99900), 1100, replace=False))
    codes = values[[100, 400, 700]]  # among 1,024 evenly spaced picks, not among 8
    arrays = dataclasses.replace(_encoded(np.repeat(codes, 20)), known=None)
    data = np.c_[values, np.arange(1100) % 2].astype(np.float64)
    assert not isinstance(compose_read(SCHEMA, arrays), str)  # no rows: read as a constant
    why = compose_read(SCHEMA, arrays, data)
    assert isinstance(why, str) and "not an affine function" in why


def _one_split_tree() -> Any:
    return SimpleNamespace(
        feature=np.array([0, -2, -2]),
        threshold=np.array([50000.0, -2.0, -2.0]),
        left=np.array([1, -1, -1]),
        right=np.array([2, -1, -1]),
        value=np.array([[0.0], [0.0], [1.0]]),
    )


def test_a_column_bent_by_a_twentieth_of_a_percent_is_not_affine() -> None:
    """A column equal to zip up to 60,000 and 50 more above (0.05 % of its scale, 100,049):
    not affine, refused (CP17: a tolerance of 0.1 % of the scale, read as a line and its
    boxes cut where the model does not)."""

    def bent(raw: Any) -> np.ndarray:
        z = np.asarray(raw, dtype=np.float64)[:, :1]
        return z + 50.0 * (z > 60000)

    why = compose(SCHEMA, [_one_split_tree()], combine="sum", transform=bent)
    assert isinstance(why, str) and "the column derived from zip is not an affine" in why

    def straight(raw: Any) -> np.ndarray:  # the same line without the bend: composed
        return 1.0005 * np.asarray(raw, dtype=np.float64)[:, :1]

    assert not isinstance(
        compose(SCHEMA, [_one_split_tree()], combine="sum", transform=straight), str
    )
