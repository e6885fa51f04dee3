"""mutation53b, over hostile53c's quoted values (``report.verdict_text._named``): every
sentence naming a value quotes it where spaces surround it, on either side (a right-aligned
fixed-width export's ``' M'``): the value tied with the favoured one, the one least
favoured by probability, the one whose share is not told apart, the one the probability
names against the class; a quote inside a quoted value is escaped."""

from __future__ import annotations

from assay.report.verdict_text import favoured_text


def test_a_tied_value_and_a_leading_space_are_quoted() -> None:
    rows = [
        {"value": "M ", "favoured_in": 0.6},
        {"value": "F ", "favoured_in": 0.6},
        {"value": " X", "favoured_in": 0.0},
    ]
    assert favoured_text(rows, "yes", "them") == (
        "the 'M ' variant gets 'yes' in 60.00 % of them (as does the 'F ' variant), "
        "the ' X' variant in 0.00 %"
    )


def test_the_values_named_by_probability_are_quoted() -> None:
    tied = [
        {"value": "M ", "favoured_in": 1.0, "highest_p_in": 0.7, "p_favourable": 0.8},
        {"value": "F ", "favoured_in": 1.0, "highest_p_in": 0.3, "p_favourable": 0.4},
    ]
    assert favoured_text(tied, "yes", "them").startswith(
        "the 'M ' variant gets the highest P('yes') in 70.00 % of them (on average 0.800, "
        "against 0.400 for 'F '); as a class"
    )
    against = [
        {"value": "M", "favoured_in": 0.6, "highest_p_in": 0.3, "p_favourable": 0.4},
        {"value": "it's ", "favoured_in": 0.4, "highest_p_in": 0.7, "p_favourable": 0.6},
    ]
    assert favoured_text(against, "yes", "them") == (
        "the M variant gets 'yes' in 60.00 % of them (by probability, the 'it\\'s ' "
        "variant: the highest P('yes') in 70.00 % of them)"
    )


def test_the_value_not_told_apart_is_quoted() -> None:
    rows = [
        {"value": " M", "favoured_in": 0.6, "favoured_low": 0.3, "favoured_high": 0.9},
        {"value": "F ", "favoured_in": 0.4, "favoured_low": 0.1, "favoured_high": 0.7},
    ]
    said = favoured_text(rows, "yes", "them")
    assert said.startswith("the ' M' variant gets 'yes' in 60.00 % of them; the ' M' variant's")
    assert "told apart from the 'F ' variant's 40.00 %" in said, said
