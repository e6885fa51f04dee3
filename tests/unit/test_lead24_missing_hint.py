"""A model that does not read missing values, given them by ``--missing value``: its failure
says what to do (``--missing drop``, an imputer), not only the model's own exception."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from assay.errors import ModelError
from assay.models import CheckedModel, from_callable


def _refuses_nan(x: Any) -> np.ndarray:
    if np.asarray(pd.isna(pd.DataFrame(x))).any():
        raise ValueError("Input X contains NaN")
    return np.zeros(len(x), dtype=np.int64)


def _model() -> CheckedModel:
    return CheckedModel(from_callable(_refuses_nan, outputs="labels", n_classes=2))


@pytest.mark.parametrize(
    "batch",
    [
        np.array([[1.0, np.nan], [2.0, 3.0]]),
        np.array([[1, None, "a"]], dtype=object),
        pd.DataFrame({"income": [1.0, None], "job": ["a", None]}),
    ],
)
def test_a_failure_on_a_batch_with_missing_values_says_what_to_do(batch: Any) -> None:
    with pytest.raises(ModelError) as err:
        _model().predict(batch)
    assert "Input X contains NaN" in str(err.value)
    assert "--missing drop" in str(err.value)


def test_a_failure_on_a_complete_batch_says_nothing_of_missing_values() -> None:
    def broken(x: Any) -> np.ndarray:
        raise ValueError("no")

    model = CheckedModel(from_callable(broken, outputs="labels", n_classes=2))
    with pytest.raises(ModelError) as err:
        model.predict(np.array([[1.0, 2.0]]))
    assert "missing" not in str(err.value)
