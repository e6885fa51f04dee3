"""hostile39: a model fitted on a label column read as floats (one that held a NaN once:
scikit-learn keeps ``classes_ = [0.0, 1.0]``) was refused against the data's labels 0 and 1:
"label value '0' (row 1) is not one of the model's classes: 0.0, 1.0" (exit 2); the other
way round (labels '1.0' against classes 0, 1) was read already.  Both read now."""

from __future__ import annotations

import numpy as np
import pytest

from assay.errors import UsageError
from assay.fairness.loading import _labels_to_indices


def test_whole_number_labels_match_classes_named_as_floats() -> None:
    got = _labels_to_indices(np.array([0, 1, 1, 0]), ("0.0", "1.0"))
    assert got.tolist() == [0, 1, 1, 0]


def test_float_labels_still_match_whole_number_classes_and_others_are_refused() -> None:
    assert _labels_to_indices(np.array([1.0, 0.0]), ("0", "1")).tolist() == [1, 0]
    with pytest.raises(UsageError, match="label value '2'"):
        _labels_to_indices(np.array([0, 2]), ("0.0", "1.0"))
