"""Of an attribute of three values or more, the direction names the least favoured value too:
"the Other variant gets 'yes' in 97.78 % of 90 sampled IDIs" said nothing of the value every
other one was favoured over (a COMPAS model whose 'African-American' variant gets it in
32 %); of two values the least favoured is the other one, and nothing is added."""

from __future__ import annotations

from typing import Any

from assay.report.verdict_text import favoured_text


def _row(value: str, share: float) -> dict[str, Any]:
    return {"value": value, "favoured_in": share, "highest_p_in": None, "idis": 90}


def test_three_values_name_the_most_and_the_least_favoured() -> None:
    rows = [_row("A", 0.32), _row("B", 0.71), _row("Other", 0.98), _row("H", 0.28)]
    text = favoured_text(rows, "yes", "90 sampled IDIs")
    assert text == (
        "the Other variant gets 'yes' in 98.00 % of 90 sampled IDIs, the H variant in 28.00 %"
    )


def test_two_values_say_the_favoured_one_alone() -> None:
    text = favoured_text([_row("F", 0.25), _row("M", 0.75)], "yes", "IDIs")
    assert text == "the M variant gets 'yes' in 75.00 % of IDIs"


def test_a_tie_at_the_top_of_three_still_names_the_least() -> None:
    text = favoured_text([_row("A", 0.6), _row("B", 0.6), _row("C", 0.1)], "yes", "IDIs")
    assert text == (
        "the A variant gets 'yes' in 60.00 % of IDIs (as does the B variant), "
        "the C variant in 10.00 %"
    )
