"""Under each attribute's answer line, one witness of its first confirmed region: the data's
own values and what the model answers for each value of the attribute."""

from __future__ import annotations

from typing import Any

from assay.cli.answer_lines import say_answer
from assay.cli.console import Output


def _said(summary: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    out = Output(quiet=False)
    out.say = lines.append  # type: ignore[method-assign]
    say_answer(out, summary)
    return lines


def _summary(witnesses: list[dict[str, Any]], confirmed: bool = True) -> dict[str, Any]:
    verdict = {
        "attribute": "sex",
        "basis": "sampled",
        "level": "found",
        "share_uniform": 0.1,
        "share_uniform_low": 0.08,
        "share_uniform_high": 0.12,
    }
    region = {
        "attribute": "sex",
        "rank": 1,
        "rule": "age 30-39",
        "confirmed": confirmed,
        "witnesses": witnesses,
        "share_inside": 0.5,
        "weight_space": 0.1,
        "figures": "sampled",
    }
    return {"verdict": [verdict], "regions": [region], "direction": [], "exact": []}


def test_the_first_witness_is_said_under_the_line() -> None:
    w = {"age": 37, "job": "Sales", "income": None, "sex": "F", "outcome by sex": "F: no, M: yes"}
    lines = _said(_summary([w]))
    assert lines[0].startswith("sex: ")
    assert lines[1] == "  e.g. age 37, job Sales, income missing: F: no, M: yes"


def test_no_example_without_a_confirmed_region_and_a_wide_one_is_cut() -> None:
    w = {"age": 37, "sex": "F", "outcome by sex": "F: no, M: yes"}
    assert len(_said(_summary([w], confirmed=False))) == 1
    wide = {f"column_{i}": i for i in range(200)}
    wide["outcome by sex"] = "F: no, M: yes"
    lines = _said(_summary([wide]))
    assert len(lines[1]) <= 400
    assert lines[1].endswith(" ...: F: no, M: yes")
