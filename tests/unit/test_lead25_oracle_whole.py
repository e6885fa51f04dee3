"""One value per input outside [0, 1] is refused; whole numbers in a float array (class
labels answered as floats) are told to answer integers."""

from __future__ import annotations

import numpy as np
import pytest

from assay.errors import ModelError
from assay.fairness.oracle import _one_probability


def test_whole_numbers_as_floats_are_told_to_answer_integers() -> None:
    with pytest.raises(ModelError, match=r"answer them as integers"):
        _one_probability(np.array([[[0.0], [3.0]], [[2.0], [1.0]]]))


def test_fractional_values_are_told_about_probabilities() -> None:
    with pytest.raises(ModelError, match=r"np.column_stack") as caught:
        _one_probability(np.array([[[61.5], [3.0]]]))
    assert "as integers" not in str(caught.value)


def test_probabilities_pass() -> None:
    _one_probability(np.array([[[0.0], [1.0], [0.25]]]))
