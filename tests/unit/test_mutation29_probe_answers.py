"""``models.probe_answers``: an answer comes back as the classifier gave it, down to the type
of every value inside (a bool stays a bool, not the 1 that equals it) and an object array of
lists stays one item a row (each kills a hand-made mutant left28b's tests let live)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.models.probe_answers import kept, recording, replayed, replaying


def _round_trip(answer: Any) -> Any:
    probe = ["a sentence", "another"]
    with recording() as stored:
        kept(probe, answer)
    with replaying(stored):
        return replayed(probe)


def _shape_of(value: Any) -> Any:
    """Every value's type, nested (``==`` takes True for 1 and 1 for 1.0)."""
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_shape_of(v) for v in value])
    if isinstance(value, dict):
        return ("dict", [(_shape_of(k), _shape_of(v)) for k, v in value.items()])
    return type(value).__name__


@pytest.mark.parametrize(
    "answer",
    [True, [True, False, 1, 0, 1.0], {"label": "pos", "is_positive": True, "score": 1}],
    ids=["bool", "mixed", "dict"],
)
def test_the_type_of_every_value_comes_back(answer: Any) -> None:
    back = _round_trip(answer)
    assert back == answer and _shape_of(back) == _shape_of(answer), back


def test_an_object_array_of_lists_keeps_one_item_a_row() -> None:
    """A pipeline's answer as an object array, one list of label scores a sentence."""
    answer = np.empty(2, dtype=object)
    answer[0] = [{"label": "a", "score": 0.25}, {"label": "b", "score": 0.75}]
    answer[1] = [{"label": "a", "score": 0.5}, {"label": "b", "score": 0.5}]
    back = _round_trip(answer)
    assert isinstance(back, np.ndarray) and back.dtype == object and back.shape == (2,)
    assert list(back) == list(answer)
