"""The refusal of probabilities not summing to 1 advises by the model's column count: a
10-class model answering its top 5 was told ``np.column_stack([1 - p, p])``, a binary
model's fix (hostile52b's Left 3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.errors import ModelError
from assay.models.checked import _check_rows


def _softmax(x: Any) -> np.ndarray:
    flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    logits = np.stack([flat[:, i::10].mean(axis=1) * (i + 1) for i in range(10)], axis=1)
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _top5(x: Any) -> np.ndarray:
    p = _softmax(x)
    cut = np.argsort(p, axis=1)[:, :5]
    np.put_along_axis(p, cut, 0.0, axis=1)
    return p


def test_a_ten_class_top_5_is_told_to_answer_every_class(tmp_path: Path) -> None:
    clean = np.random.default_rng(0).random((20, 8, 8, 3))
    with pytest.raises(ModelError) as info:
        assay.check_backdoor(_top5, clean=clean, store=str(tmp_path / "r.db"), seed=0)
    said = str(info.value)
    assert "column_stack" not in said, said
    assert "gives 5 of its 10 classes a probability" in said, said
    assert "softmax over all 10 classes" in said, said


def test_scaled_rows_of_ten_classes_are_told_softmax_or_normalise() -> None:
    p = np.full((4, 10), 0.05)
    with pytest.raises(ModelError) as info:
        _check_rows(p, np.zeros((4, 3)))
    said = str(info.value)
    assert "column_stack" not in said and "softmax over all 10 classes" in said, said
    assert "p / p.sum(axis=1, keepdims=True)" in said, said


def test_a_binary_model_keeps_its_fix() -> None:
    """(A guard: passes before and after.)"""
    p = np.array([[0.3, 0.3], [0.8, 0.8]])
    with pytest.raises(ModelError, match=r"np\.column_stack\(\[1 - p, p\]\)"):
        _check_rows(p, np.zeros((2, 3)))
