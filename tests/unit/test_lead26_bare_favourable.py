"""A class named ``yes`` (or ``True``) says an event happened, not that it is favourable: a
COMPAS-style ``two_year_recid`` model's ``yes`` is the reoffence.  The favourable class is
still taken from it (the positive class), but the terminal says it was a guess and names the
option that takes the other, as for classes that say nothing at all."""

from __future__ import annotations

from typing import Any

import pytest

from assay.cli.answer_lines import say_answer
from assay.fairness.verdict import BARE_NAME, favourable_class


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


@pytest.mark.parametrize("names", [["no", "yes"], ["False", "True"], ["0", "yes"]])
def test_a_bare_affirmative_class_is_taken_and_said_to_be_a_guess(names: list[str]) -> None:
    index, name, how = favourable_class(names, len(names), None)
    assert name == names[-1] and index == len(names) - 1
    assert how.startswith(BARE_NAME)
    assert f"--favourable {names[0]}" in how


@pytest.mark.parametrize(
    ("names", "favourable"),
    [
        (["hired=no", "hired=yes"], "hired=yes"),
        (["approved=no", "approved=yes"], "approved=yes"),
        (["<=50K", ">50K"], ">50K"),
        (["bad", "good"], "good"),
    ],
)
def test_a_name_that_says_what_is_favourable_is_no_guess(names: list[str], favourable: str) -> None:
    _, name, how = favourable_class(names, len(names), None)
    assert name == favourable and not how.startswith(BARE_NAME)


def _summary(how: str) -> dict[str, Any]:
    row = {
        "attribute": "race",
        "basis": "sampled",
        "level": "found",
        "share_uniform": 0.1,
        "uniform_low": 0.08,
        "uniform_high": 0.12,
        "uniform_sampled": 500,
        "share_data": None,
        "certificate": None,
        "undecided": False,
        "fails": None,
    }
    return {"verdict": [row], "favourable": {"class": "yes", "index": 1, "how": how}}


def test_the_terminal_notes_a_bare_name_guess_and_not_a_named_class() -> None:
    _, _, how = favourable_class(["no", "yes"], 2, None)
    guessed = _Lines()
    say_answer(guessed, _summary(how))
    notes = [line for line in guessed.lines if line.startswith("note: favourable outcome")]
    assert notes and "pass --favourable no" in notes[0]
    _, _, clear = favourable_class(["hired=no", "hired=yes"], 2, None)
    said = _Lines()
    say_answer(said, _summary(clear))
    assert not any(line.startswith("note: favourable outcome") for line in said.lines)
