"""A classifier raising on an empty sentence the grammar derives was told only the batch's
first input (often another sentence): the error now says the batch held an empty sentence,
which one, and why the grammar sends it (text42)."""

from __future__ import annotations

from typing import Any

import pytest

from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.callable import CallableModel, probe_call
from assay.models.checked import CheckedModel


def refuses_empty(batch: list[str]) -> list[int]:
    if any(not s.strip() for s in batch):
        raise ValueError("empty input")
    return [0] * len(batch)


def _checked() -> CheckedModel:
    caps = Capabilities(modality="text", n_classes=2, outputs="labels")
    return CheckedModel(CallableModel(refuses_empty, caps))


@pytest.mark.parametrize("batch", [["the food was good", "", "bad"], ["good", "  "]])
def test_a_failure_on_a_batch_holding_an_empty_sentence_says_so(batch: list[str]) -> None:
    with pytest.raises(ModelError) as caught:
        _checked().predict(batch)
    at = next(i for i, s in enumerate(batch) if not s.strip())
    assert f"the batch held an empty sentence (input {at}:" in str(caught.value)


def test_a_failure_on_loadings_probe_says_so() -> None:
    with pytest.raises(ModelError) as caught:
        probe_call(refuses_empty, ["good", ""], what="clf.py:f", timeout=10)
    assert "empty sentence (input 1: '')" in str(caught.value)


def test_a_failure_with_no_empty_sentence_says_nothing_of_it() -> None:
    def fails(batch: Any) -> Any:
        raise ValueError("boom")

    caps = Capabilities(modality="text", n_classes=2, outputs="labels")
    with pytest.raises(ModelError) as caught:
        CheckedModel(CallableModel(fails, caps)).predict(["good", "bad"])
    assert "empty sentence" not in str(caught.value)
