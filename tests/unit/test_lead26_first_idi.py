"""Where no region had a witness of its own, the answer lines end with the run's first
example IDI in the data's values and the model's answer for each variant: the terminal (and
``assay.assert_passed``) showed a share and a direction but no case to paste into a bug
report."""

from __future__ import annotations

from typing import Any

from assay.cli.answer_lines import first_idi, say_answer


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


_VERDICT = {
    "attribute": "sex",
    "basis": "sampled",
    "level": "found",
    "share_uniform": 0.31,
    "uniform_low": 0.28,
    "uniform_high": 0.34,
    "uniform_sampled": 1000,
    "share_data": None,
    "certificate": None,
    "undecided": False,
    "fails": None,
}
_EXAMPLE = {
    "idi": 1,
    "from_real_row": "a real row of the data, as it is",
    "input": {"duration": 9, "sex": "female", "age": 66, "purpose": None},
    "variants": [
        {"protected": {"sex": "female"}, "prediction": "bad", "differs": False},
        {"protected": {"sex": "male"}, "prediction": "good", "differs": True},
    ],
}


def test_the_first_idi_is_said_when_no_region_has_a_witness() -> None:
    lines = _Lines()
    say_answer(lines, {"verdict": [_VERDICT], "examples": [_EXAMPLE]})
    assert lines.lines[-1] == (
        "  e.g. duration 9, age 66, purpose missing (a real row): sex female: bad; sex male: good"
    )


def test_a_regions_witness_is_enough() -> None:
    region = {
        "attribute": "sex",
        "confirmed": True,
        "rule": "age >= 60",
        "witnesses": [{"age": 66, "sex": "female", "outcome by sex": "female: bad, male: good"}],
    }
    lines = _Lines()
    summary: dict[str, Any] = {"verdict": [_VERDICT], "examples": [_EXAMPLE], "regions": [region]}
    say_answer(lines, summary)
    assert [line for line in lines.lines if line.startswith("  e.g.")] == [
        "  e.g. age 66: female: bad, male: good"
    ]


def test_a_wide_row_is_cut_and_keeps_the_answers() -> None:
    wide = {**_EXAMPLE, "input": {f"c{i}": "x" * 20 for i in range(40)} | {"sex": "female"}}
    line = first_idi({"examples": [wide]})
    assert line is not None and len(line) <= 400
    assert line.endswith(" ...: sex female: bad; sex male: good")


def test_no_example_no_line() -> None:
    lines = _Lines()
    say_answer(lines, {"verdict": [_VERDICT]})
    assert not any(line.startswith("  e.g.") for line in lines.lines)
