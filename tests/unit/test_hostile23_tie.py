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


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


def test_beside_an_exact_share_who_is_favoured_is_said_to_be_sampled() -> None:
    """ "share 1.78 % of the input space (exact); found; the female variant gets 'approved' in
    64.10 % of IDIs": the direction read as exact too, though it was counted over the answer's
    sample (28 IDIs of a smaller run split 14/14)."""
    from assay.cli.answer_lines import say_answer

    verdict = {"attribute": "gender", "basis": "exact", "share_uniform": 0.0178}
    verdict.update(exact_uniform_low=0.0178, exact_uniform_high=0.0178, level="found")
    summary = {
        "verdict": [verdict],
        "favourable": {"class": "approved"},
        "direction": [_row("female", 0.641, 0.641), _row("male", 0.359, 0.359)],
    }
    out = _Lines()
    say_answer(out, summary)  # type: ignore[arg-type]
    assert "the female variant gets 'approved' in 64.10 % of 28 sampled IDIs" in out.lines[0]


def test_a_sampled_rule_beside_an_exact_share_says_why_it_is_sampled() -> None:
    """ "share 4.79 % of the input space (exact) ... most concentrated in: age 31-38 and
    islands = 1 (sampled: ...)": why the rule was not exact too (an ONNX forest's branch and
    bound) was in the JSON and the HTML only."""
    from assay.cli.answer_lines import _where

    verdict = {"attribute": "gender", "basis": "exact", "share_uniform": 0.0479}
    rule = {"attribute": "gender", "rule": "age 31-38", "confirmed": True, "figures": "sampled"}
    rule.update(share_inside=0.68, share_inside_low=0.63, share_inside_high=0.73)
    rule.update(weight_space=0.0645, held_out_rows_inside=115, sample="uniform")
    why = "the branch and bound of an ensemble keeps its largest boxes only"
    exact = {"attribute": "gender", "status": "exact", "regions": {"why_sampled": why}}
    text = _where({"regions": [rule], "exact": [exact]}, verdict)
    assert text.endswith(f"; not learned from the exact boxes: {why})"), text
    exact["status"] = "bounded"  # (bounds only: the share says so already)
    assert "not learned" not in _where({"regions": [rule], "exact": [exact]}, verdict)


def test_one_sampled_idi_is_one_idi() -> None:
    """'in 100.00 % of 1 sampled IDIs' (Adult, race, 20,000 queries)."""
    from assay.cli.answer_lines import say_answer

    verdict = {"attribute": "gender", "basis": "exact", "share_uniform": 0.0024, "level": "found"}
    one = [{**_row("female", 1.0, 1.0), "idis": 1}, {**_row("male", 0.0, 0.0), "idis": 1}]
    out = _Lines()
    say_answer(out, {"verdict": [verdict], "favourable": {"class": "yes"}, "direction": one})  # type: ignore[arg-type]
    assert "in 100.00 % of 1 sampled IDI;" in out.lines[0] or out.lines[0].endswith(
        "of 1 sampled IDI"
    ), out.lines[0]
