"""The fairness answer's line (mutation24): who is favoured over a sampled share, over a single
data row's IDI, and why one attribute's rule is sampled (not another's)."""

from __future__ import annotations

from typing import Any

from assay.cli.answer_lines import _where, say_answer


def _row(value: str, share: float, where: str = "uniform", idis: int = 28) -> dict[str, Any]:
    return {
        "attribute": "gender",
        "distribution": where,
        "favoured_count": int(share * idis),
        "favoured_in": share,
        "highest_p_in": share,
        "idis": idis,
        "p_favourable": share,
        "value": value,
    }


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


def _line(summary: dict[str, Any]) -> str:
    out = _Lines()
    say_answer(out, summary)  # type: ignore[arg-type]
    return out.lines[0]


def test_a_sampled_share_says_who_is_favoured_of_its_idis_without_calling_them_apart() -> None:
    verdict = {"attribute": "gender", "basis": "sampled", "share_uniform": 0.02, "level": "found"}
    line = _line(
        {
            "verdict": [verdict],
            "favourable": {"class": "approved"},
            "direction": [_row("female", 0.641), _row("male", 0.359)],
        }
    )
    # (their number said: audit45f; "64.10 % of IDIs" read as of every IDI)
    assert "gets 'approved' in 64.10 % of 28 sampled IDIs" in line, line
    assert "not counted over the exact boxes" not in line, line


def test_the_data_rows_favoured_otherwise_by_one_idi_say_one_idi() -> None:
    verdict = {"attribute": "gender", "basis": "sampled", "share_uniform": 0.02, "level": "found"}
    direction = [_row("female", 0.641), _row("male", 0.359)]
    direction += [_row("female", 0.0, "data", 1), _row("male", 1.0, "data", 1)]
    line = _line({"verdict": [verdict], "favourable": {"class": "yes"}, "direction": direction})
    assert "; over the data rows, the male variant gets 'yes' in 100.00 % of their 1 IDI" in line
    assert "their 1 IDIs" not in line, line


def test_why_a_rule_is_sampled_is_said_of_its_own_attribute_only() -> None:
    verdict = {"attribute": "gender", "basis": "exact", "share_uniform": 0.0479}
    rule = {"attribute": "gender", "rule": "age 31-38", "confirmed": True, "figures": "sampled"}
    rule.update(share_inside=0.68, share_inside_low=0.63, share_inside_high=0.73)
    rule.update(weight_space=0.0645, held_out_rows_inside=115, sample="uniform")
    why = "the branch and bound of an ensemble keeps its largest boxes only"
    exact = [
        {"attribute": "race", "status": "exact", "regions": {"why_sampled": why}},
        {"attribute": "gender", "status": "exact", "regions": {}},
    ]
    text = _where({"regions": [rule], "exact": exact}, verdict)
    assert "age 31-38" in text and "not learned" not in text, text


def test_the_variant_leading_by_probability_is_compared_with_another() -> None:
    """Tied by class; female gets the highest probability in 60 % of the IDIs but the lower
    one on average: the line compares it with male's average, not with its own."""
    from assay.report.verdict_text import favoured_text

    rows = [_row("female", 0.5), _row("male", 0.5)]
    rows[0].update(highest_p_in=0.6, p_favourable=0.40)
    rows[1].update(highest_p_in=0.4, p_favourable=0.55)
    text = favoured_text(rows, "approved", "IDIs")
    assert text.startswith("the female variant gets the highest P('approved') in 60.00 %"), text
    assert "(on average 0.400, against 0.550 for male)" in text, text
