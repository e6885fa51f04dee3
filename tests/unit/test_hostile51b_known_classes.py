"""The outcome classes a run knows for a labels model declaring none (hostile51b): a label
column of one outcome knows no others (a sample of approved rows beside a model that also
declines is no wrong model); a column coded otherwise than the model is said so."""

from __future__ import annotations

import numpy as np
import pytest

from assay.errors import ModelError
from assay.fairness.known_classes import ClassWatch, known_of

ROWS = np.zeros((4, 2))


def _column(values: list[int]) -> ClassWatch:
    known = known_of(np.asarray(values), dataset=None, label_names=None, label="y", source="d.csv")
    return ClassWatch(known)


def test_a_column_of_one_outcome_knows_no_others() -> None:
    watch = _column([0, 0, 0])
    assert watch.known is None
    watch.check(np.array([0, 1, 1, 0]), ROWS)  # (not refused)
    assert watch.seen == {0, 1}


def test_a_column_coded_otherwise_is_said() -> None:
    watch = _column([1, 2, 2, 1])
    with pytest.raises(ModelError) as got:
        watch.check(np.array([1, 0, 1, 1]), ROWS)
    said = str(got.value)
    assert "answered class 0 to input 1" in said, said
    assert "outcome classes 1, 2 known from the label column 'y' of d.csv (--label y)" in said
    assert "give a column of the model's class indices" in said and "--classes 3" in said


def test_a_dataset_knows_its_named_outcomes() -> None:
    known = known_of(
        np.array([0, 1]), dataset="german", label_names=("bad", "good"), label=None, source=None
    )
    watch = ClassWatch(known)
    watch.check(np.array([0, 1, 1]), ROWS[:3])
    with pytest.raises(ModelError, match=r"0 \('bad'\), 1 \('good'\).*--dataset german"):
        watch.check(np.array([2, 1, 1]), ROWS[:3])
