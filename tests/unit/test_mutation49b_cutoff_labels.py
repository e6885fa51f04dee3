"""mutation49b: a label column beside ``--cutoff`` (``fairness.cutoff_labels``, left48f):
refused only when the model's classes are the cutoff's two sides and its values are not all
those sides; a model of two class probabilities keeps its own names, named or not."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core.model import Capabilities
from assay.errors import UsageError
from assay.fairness.cutoff_labels import refuse_outcomes
from assay.models.cutoff import CutoffModel, cutoff_names

SIDES = cutoff_names(600)


class _Fixed:
    def __init__(self, caps: Capabilities) -> None:
        self.capabilities = caps

    def predict(self, inputs: Any, /) -> np.ndarray:
        return np.full((len(inputs), 2), 0.5)


def _decided(caps: Capabilities, cutoff: float) -> Any:
    return CutoffModel(_Fixed(caps), cutoff).capabilities.class_names


def test_two_unnamed_class_probabilities_leave_their_labels_alone() -> None:
    # (CL1) a function answering two probabilities names no classes: at a cutoff its
    # decisions are its classes 0 and 1, never compared with '<=0.5' and '>0.5'
    names = _decided(Capabilities("tabular", 2, "proba"), 0.5)
    assert names is None
    refuse_outcomes(np.array([0, 1, 1]), names, cutoff_names(0.5), "repaid")


def test_two_named_class_probabilities_keep_their_own_names() -> None:
    # (CL2) its classes ('no', 'yes') decided at 0.7: a 'no'/'yes' label column names them
    names = _decided(Capabilities("tabular", 2, "proba", class_names=("no", "yes")), 0.7)
    assert names == ("no", "yes")
    refuse_outcomes(np.array(["yes", "no", "yes"]), names, cutoff_names(0.7), "repaid")


def test_a_column_naming_one_side_and_an_outcome_is_refused() -> None:
    # (CL3) '<=600' beside 'yes': not every value a decision, refused (not half taken)
    names = _decided(Capabilities("tabular", None, "proba"), 600)
    assert names == SIDES
    refuse_outcomes(np.array(["<=600", ">600", "<=600"]), names, SIDES, "decided")
    with pytest.raises(UsageError, match=r"holds '<=600', 'yes'") as caught:
        refuse_outcomes(np.array(["<=600", "yes", "yes"]), names, SIDES, "repaid")
    assert caught.value.argument == "--label"


def test_numpy_values_are_shown_as_the_plain_values_they_equal() -> None:
    # (CL6) a column of numpy integers held as objects: the mapping printed is typed as
    # it reads, {0: ..., 1: ...}, not {np.int64(0): ...} (a name the user may not have)
    values = np.array([np.int64(0), np.int64(1), np.int64(1)], dtype=object)
    with pytest.raises(UsageError) as caught:
        refuse_outcomes(values, SIDES, SIDES, "repaid")
    said = str(caught.value)
    assert "map({0: '<=600', 1: '>600'})" in said, said
    assert "np.int64" not in said


def test_a_regressor_of_one_output_is_told_of_the_cutoff_alone() -> None:
    # (CU5) no count of outputs known: nothing said of "None outputs per input"
    from sklearn.linear_model import LinearRegression

    from assay.models.cutoff import decided
    from assay.models.loader import load_model

    x = np.random.default_rng(0).uniform(size=(50, 3))
    estimator = LinearRegression().fit(x, x @ [1.0, 2.0, 3.0])
    model = load_model(estimator, probe=x[:2])
    with pytest.raises(UsageError, match="LinearRegression is a regressor") as caught:
        decided(model, None, None, estimator)
    said = str(caught.value)
    assert said.endswith("in Python cutoff=C)"), said
    assert "outputs per input" not in said
