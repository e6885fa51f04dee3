"""The answer line and the failing sentences as the terminal says them (mutation26): who is
favoured over a tree's boxes is said (its rows name no IDI count), the data rows counted
exactly say so, and the failing sentences' total is the run's, not the few shown."""

from __future__ import annotations

from typing import Any

from assay.cli.answer_lines import say_answer
from assay.cli.console import Output
from assay.cli.text_lines import say_failing


def _said(summary: dict[str, Any], say: Any = say_answer) -> list[str]:
    lines: list[str] = []
    out = Output(quiet=False)
    out.say = lines.append  # type: ignore[method-assign]
    say(out, summary)
    return lines


def _row(distribution: str, value: str, favoured: float, **more: Any) -> dict[str, Any]:
    return {
        "attribute": "sex",
        "value": value,
        "distribution": distribution,
        "favoured_in": favoured,
        **more,
    }


def _summary(direction: list[dict[str, Any]]) -> dict[str, Any]:
    verdict = {
        "attribute": "sex",
        "basis": "exact",
        "level": "found",
        "share_uniform": 0.1,
        "share_uniform_low": 0.1,
        "share_uniform_high": 0.1,
    }
    return {"verdict": [verdict], "direction": direction, "favourable": {"class": "yes"}}


def test_who_is_favoured_over_the_boxes_is_said_and_the_data_rows_counted_exactly() -> None:
    space = [
        _row("exact space", "F", 0.2, idis=None, share_of_space=0.02),
        _row("exact space", "M", 0.8, idis=None, share_of_space=0.08),
    ]
    data = [
        _row("data", "F", 0.9, idis=12, favoured_count=11, exact=True),
        _row("data", "M", 0.1, idis=12, favoured_count=1, exact=True),
    ]
    (line,) = _said(_summary(space + data))
    assert "the discriminatory input space (exact: every box counted)" in line, line
    assert "over the data rows" in line and "their 12 IDIs (every row counted)" in line, line
    (sampled,) = _said(_summary(space + [{**d, "exact": False} for d in data]))
    assert "their 12 IDIs" in sampled and "every row counted" not in sampled, sampled


def test_the_total_of_failing_sentences_is_the_runs() -> None:
    one = {"sentence": "the room is good", "count": 1, "outputs": []}
    summary = {"text": {"distinct_minimal": 57, "minimal": [one, one, one]}}
    lines = _said(summary, say_failing)
    assert lines[0].startswith("first 3 of 57 minimal failing sentences"), lines[0]
