"""Who is favoured when the IDIs split evenly (hostile23): a tie by class and by probability
read "the female variant gets the highest P('approved') in 50.00 % of IDIs (on average
0.500, against 0.500 for female)", naming one variant favoured and comparing it with itself."""

from __future__ import annotations

from typing import Any

from assay.report.verdict_text import favoured_text


def _row(value: str, share: float, p: float) -> dict[str, Any]:
    return {
        "attribute": "gender",
        "distribution": "uniform",
        "favoured_count": 14,
        "favoured_in": share,
        "highest_p_in": share,
        "idis": 28,
        "p_favourable": p,
        "value": value,
    }


def test_an_even_split_names_no_variant_favoured() -> None:
    text = favoured_text([_row("female", 0.5, 0.5), _row("male", 0.5, 0.5)], "approved", "IDIs")
    assert text == (
        "every variant gets 'approved' in 50.00 % of IDIs; by probability no variant leads "
        "either (P('approved') on average 0.500 for each)"
    )


def test_a_tie_by_class_broken_by_probability_compares_two_variants() -> None:
    text = favoured_text([_row("female", 0.5, 0.4), _row("male", 0.5, 0.6)], "approved", "IDIs")
    assert "against 0.400 for female" in text
    assert text.startswith("the male variant gets the highest P('approved')")
