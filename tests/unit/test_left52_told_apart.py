"""The direction's "not told apart" clause followed the last value named: "the X variant gets
'True' in 100.00 %, the Y variant in 0.00 %, not told apart from the Z variant's 60.00 %"
read as if Y were the one not told apart; it is X (hostile51c).  The clause now names the
value whose share it compares."""

from __future__ import annotations

from assay.report.verdict_text import favoured_text


def _row(value: str, share: float, low: float, high: float) -> dict[str, object]:
    return {"value": value, "favoured_in": share, "favoured_low": low, "favoured_high": high}


def test_the_value_not_told_apart_is_the_one_named_first() -> None:
    rows = [
        _row("X", 1.0, 0.44, 1.0),
        _row("Y", 0.0, 0.0, 0.3),
        _row("Z", 0.6, 0.2, 0.9),
    ]
    said = favoured_text(rows, "True", "5 sampled IDIs")
    assert said.startswith("the X variant gets 'True' in 100.00 % of 5 sampled IDIs, the Y ")
    assert "; the X variant's 100.00 % is not told apart from the Z variant's 60.00 %" in said
    assert "0.00 %, not told apart" not in said


def test_of_two_values_the_named_share_is_said_again() -> None:
    rows = [_row("F", 0.0, 0.0, 0.7076), _row("M", 1.0, 0.2924, 1.0)]
    said = favoured_text(rows, "approve", "3 sampled IDIs")
    assert said.startswith(
        "the M variant gets 'approve' in 100.00 % of 3 sampled IDIs; the M variant's "
        "100.00 % is not told apart from the F variant's 0.00 % (95 % intervals"
    )
