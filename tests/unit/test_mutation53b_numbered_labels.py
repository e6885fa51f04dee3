"""mutation53b, over left53's numbered labels (``text.map_guess``): numbers of two digits and
more pair as one (``LABEL_10`` with ``10``: a twelve-class model's labels), in the other
classifier's order, each as ``(its label, the first's)``; and the suggestion says "each pair
names one number" only where every label of every pair does (a pair made by a prefix, one of
whose labels holds a digit, is said as a prefix pair); no pairing by numbers where one side
names a number twice, or both hold a label naming none."""

from __future__ import annotations

from assay.text.map_guess import inferred_pairs, map_guess_hint


def test_labels_of_two_digit_numbers_pair_by_them() -> None:
    first = [f"LABEL_{i}" for i in range(12)]
    other = [str(i) for i in reversed(range(12))]
    assert inferred_pairs(first, other) == [(str(i), f"LABEL_{i}") for i in reversed(range(12))]


def test_pairs_made_by_prefixes_are_said_so_though_one_label_holds_a_number() -> None:
    assert inferred_pairs(["go7", "bad"], ["go7x", "badly"]) == [
        ("go7x", "go7"),
        ("badly", "bad"),
    ]
    hint = map_guess_hint(["go7", "bad"], ["go7x", "badly"], 1, True)
    assert "(one label begins the other, and no third)" in hint, hint
    assert "names one number" not in hint
    numbered = map_guess_hint(["LABEL_0", "LABEL_1"], ["0", "1"], 1, True)
    assert "(each pair names one number)" in numbered and "`2 0 -> LABEL_0`" in numbered


def test_no_pair_by_numbers_where_a_number_is_named_twice_or_a_label_names_none() -> None:
    # two of the first's labels name 1: which one is LABEL_1 the names cannot tell
    assert inferred_pairs(["1", "01"], ["LABEL_1"]) == []
    # a label of each side naming no number: not paired as if "no number" were one
    assert inferred_pairs(["LABEL_0", "neutral"], ["0", "mixed"]) == []
