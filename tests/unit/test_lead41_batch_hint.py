"""A model failing on a batch larger than it takes is told of ``--batch-size`` (lead, fortieth
session: a function raising "batch of 44 > 40" failed the run, exit 3, its error silent on the
option left41 made honoured for every model)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.errors import ModelError
from assay.models.checked import CheckedModel
from assay.models.loader import load_model


def test_a_model_failing_on_a_batch_too_large_is_told_of_batch_size() -> None:
    """A function raising "batch of 44 > 40": the run failed (exit 3) and its error did not
    name the option that splits assay's calls (lead, fortieth session)."""

    def predict(x: Any) -> Any:
        x = np.asarray(x)
        if len(x) > 40:
            raise ValueError(f"batch of {len(x)} > 40")
        return (x[:, 0] > 0).astype(int)

    def other(x: Any) -> Any:
        raise KeyError("colour")

    model = load_model(predict, modality="tabular", n_classes=2, outputs="labels")
    assert isinstance(model, CheckedModel)
    with pytest.raises(ModelError, match=r"--batch-size N makes assay's calls no larger"):
        model.predict(np.zeros((44, 3)))
    quiet = load_model(other, modality="tabular", n_classes=2, outputs="labels")
    with pytest.raises(ModelError) as caught:
        quiet.predict(np.zeros((44, 3)))
    assert "--batch-size" not in str(caught.value)
