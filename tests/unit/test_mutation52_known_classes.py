"""The classes a labels model declaring none answered (``fairness.known_classes``, hostile51b),
at the functions: unsigned and boolean answers are watched as whole numbers, a built-in
dataset's outcomes are the known ones, the note lists at most twelve classes, and
``record_answered`` adds a resumed session's classes to the earlier ones, keeps one note,
and records nothing when outcome classes were known (mutation52)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from assay.errors import ModelError
from assay.fairness.known_classes import (
    ANSWERED_KEY,
    ClassWatch,
    KnownClasses,
    answered_note,
    is_answered_note,
    known_of,
    record_answered,
)

ROWS = np.zeros((4, 2))
BINARY = KnownClasses((0, 1), None, "the label column 'y' (--label y)")


def test_unsigned_and_boolean_answers_are_watched() -> None:
    watch = ClassWatch(BINARY)
    watch.check(np.array([True, False]), ROWS[:2])
    assert watch.seen == {0, 1}
    with pytest.raises(ModelError, match="answered class 3 to input 2"):
        watch.check(np.array([0, 1, 3, 3], dtype=np.uint8), ROWS)
    floats = ClassWatch(BINARY)
    floats.check(np.array([0.2, 0.8]), ROWS[:2])  # (scores: not classes)
    assert floats.seen == set()


def test_a_datasets_outcomes_are_known_before_its_label() -> None:
    known = known_of(
        np.array([0, 0]), dataset="german", label_names=("bad", "good"), label="y", source="d"
    )
    assert known is not None and known.values == (0, 1) and known.names == ("bad", "good")
    assert known.source == "the built-in dataset german's label (--dataset german)"


def test_the_note_lists_twelve_classes_at_most() -> None:
    assert "classes 0, 1, 2 (whole numbers" in answered_note([2, 0, 1])
    many = answered_note(list(range(20)))
    assert "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ... (whole" in many, many
    assert "12" not in many.split("(")[0]
    twelve = answered_note(list(range(12)))
    assert "10, 11 (whole" in twelve and "..." not in twelve


@dataclass
class _Record:
    summary: dict[str, Any]


@dataclass
class _Store:
    summary: dict[str, Any]
    written: list[dict[str, Any]] = field(default_factory=list)

    def get_run(self, run_id: str) -> _Record:
        return _Record(self.summary)

    def checkpoint(self, run_id: str, *, summary: dict[str, Any]) -> None:
        self.written.append(summary)

    def iter_batches(self, run_id: str) -> list[Any]:
        return []  # (no stored findings: left52's workers' classes read none)


@dataclass
class _Model:
    classes: ClassWatch


def test_a_resumed_sessions_classes_join_the_earlier_ones_in_one_note() -> None:
    watch = ClassWatch(None)
    watch.check(np.array([0, 5]), ROWS[:2])
    earlier = answered_note([0, 2])
    store = _Store({ANSWERED_KEY: [0, 2], "notes": ["other", earlier]})
    record_answered(store, "fairness-1", _Model(watch))  # type: ignore[arg-type]
    (summary,) = store.written
    assert summary[ANSWERED_KEY] == [0, 2, 5]
    assert summary["notes"][0] == "other"
    assert [n for n in summary["notes"] if is_answered_note(n)] == [answered_note([0, 2, 5])]


def test_nothing_is_recorded_when_the_outcomes_were_known() -> None:
    watch = ClassWatch(BINARY)
    watch.check(np.array([0, 1]), ROWS[:2])
    store = _Store({"notes": []})
    record_answered(store, "fairness-1", _Model(watch))  # type: ignore[arg-type]
    assert store.written == []
