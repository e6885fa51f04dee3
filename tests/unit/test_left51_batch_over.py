"""left51: a model's refusal giving its limit as "N > LIMIT" ("batch of 44 > 40", the very
words the lead's fortieth-session function raised) is read as that limit, so the printed
resume line and a 413's advice carry ``--batch-size 40`` (they said half the batch: 22);
and a batch within a ``--batch-size`` given that failed is said to be within it (it got the
generic words, as if no size had been given)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.cli.model_again import smaller_batches
from assay.errors import ModelError
from assay.models.checked import CheckedModel, batch_hint
from assay.models.http_hints import size_hint, smaller_size
from assay.models.loader import load_model


def _failing(limit: int, *, batch_size: int | None = None, n: int = 44) -> str:
    """The error of a function raising "batch of N > ``limit``" on calls over ``limit``."""

    def predict(x: Any) -> Any:
        x = np.asarray(x)
        if len(x) > limit:
            raise ValueError(f"batch of {len(x)} > {limit}")
        return (x[:, 0] > 0).astype(int)

    loaded = load_model(predict, modality="tabular", n_classes=2, outputs="labels")
    model = CheckedModel(loaded.inner, max_batch=batch_size)  # (as --batch-size makes it)
    with pytest.raises(ModelError) as caught:
        model.predict(np.zeros((n, 3)))
    return str(caught.value)


def test_a_limit_said_as_n_greater_than_limit_is_read() -> None:
    said = _failing(40)
    assert smaller_batches(said) == " --batch-size 40", said
    assert "e.g. --batch-size 40;" in size_hint(413, b"batch of 44 > 40", 44, 9000)
    assert smaller_size("len(inputs)=44>40", 44) == 40


def test_n_greater_than_a_number_is_no_limit_unless_it_is_smaller() -> None:
    # (a comparison the other way, or a limit not below the batch, names no limit: half)
    assert smaller_size("batch of 44 > 40", 30) == 15
    assert smaller_size("expected 2 > 7 to hold on a batch", 44) == 22


def test_a_batch_within_the_batch_size_given_is_said_within_it() -> None:
    said = _failing(20, batch_size=40, n=30)
    assert "(this call, of 30 inputs, was within this run's batch size of 40 already)" in said
    assert smaller_batches(said) == " --batch-size 20", said
    # (beyond the size given: the calls' size, as left50b made it)
    hint = batch_hint(ValueError("batch of 40 > 20"), 50, 40)
    assert "(this run's calls were of 40 inputs at most already)" in hint
    assert "already" not in batch_hint(ValueError("batch of 30 > 20"), 30, None)
