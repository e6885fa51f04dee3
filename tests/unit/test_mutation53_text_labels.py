"""mutation53: left52b's label-map suggestions (``text.map_guess``) at the edges its own
tests left open (a surviving mutant named by each test)."""

from __future__ import annotations

from assay.text.map_guess import inferred_pairs


def test_numbers_of_two_digits_or_more_beginning_each_other_are_no_pair() -> None:
    # B2 (``short[0].isalpha()`` dropped): "10" begins "100" and is two characters long, yet
    # it says nothing of a class (left52b's own case, "1" against "10", is one character)
    assert inferred_pairs(["100", "200"], ["10", "20"]) == []
    assert inferred_pairs(["2024_neg", "2024_pos"], ["20", "30"]) == []
    # a name beginning with a letter is still read
    assert inferred_pairs(["neg100", "pos200"], ["neg", "pos"]) == [
        ("neg", "neg100"),
        ("pos", "pos200"),
    ]
