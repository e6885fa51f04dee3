"""Which of a fairness run's notes on how it read the data are warnings (``notes._said``;
bench/RESULTS.md, mutation33's table: mutants NT1, values differing in spaces said as a
note, and NT3, columns set aside said as a warning, survived the tests merged with it)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from assay.fairness import notes

# the notes that make the figures less trustworthy: the run's warnings
WARNINGS = {
    "near_values_note",
    "blank_values_note",
    "unknown_values_note",
    "unheld_categories_note",
    "mixed_numbers_note",
    "by_position_note",
}
NOTES = {
    "set_aside_note",
    "read_as_text_note",
    "numbers_note",
    "bins_note",
    "frame_note",
    "polars_note",
}


def test_each_note_is_a_warning_or_not_as_it_says(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in WARNINGS | NOTES:
        monkeypatch.setattr(notes, name, lambda setup, name=name: name)
    setup = SimpleNamespace(
        labels_left_out="labels_left_out",
        scores_read="scores_read",
        label_like="label_like",
        incomplete=None,
        empty=None,
    )  # (``scores_read``: several numbers read as logits, a warning since hostile47s2;
    # ``label_like``: a column like the true label searched as an input, left53b)
    said = notes.setup_notes(setup)  # type: ignore[arg-type]
    assert set(said) == WARNINGS | NOTES | {"labels_left_out", "scores_read", "label_like"}
    warned = notes.setup_warnings(setup)  # type: ignore[arg-type]
    assert set(warned) == WARNINGS | {"scores_read", "label_like"}
