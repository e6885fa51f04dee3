"""A ``%directional`` tolerance of 1 decides every case before it is asked (text42's Left 3):
``down pos 1`` (``up``, ``away`` alike) must move a probability by more than 1, so every case
fails; ``not-up pos 1`` may move it the wrong way by up to 1, so none can.  Legal, never
useful: a warning on load naming the file and line (main: none)."""

from __future__ import annotations

import pytest

from assay.text.grammar import parse_grammar

BASE = 's -> "the food was" neg q "."\nneg -> "" | "not"\nq -> "good" | "bad"\n'


@pytest.mark.parametrize(
    ("line", "fate"),
    [
        ('%directional neg: "" -> "not" down pos 1', "every case fails"),
        ('%directional neg: "" -> "not" up pos 1.0', "every case fails"),
        ('%directional neg: "" -> "not" away 1', "every case fails"),
        ('%directional neg: "" -> "not" not-up pos 1', "no case can fail"),
        ('%directional neg: "" -> "not" not-down neg 1', "no case can fail"),
    ],
)
def test_a_tolerance_of_one_is_warned_of_at_its_line(line: str, fate: str) -> None:
    g = parse_grammar(BASE + line + "\n", source="g.cfg")
    said = [w for w in g.warnings if "tolerance of 1" in w]
    assert len(said) == 1, g.warnings
    assert said[0].startswith("g.cfg:4: %directional neg: ... "), said
    assert fate in said[0], said


@pytest.mark.parametrize(
    "tail", ["down pos", "down pos 0", "down pos 0.99", "not-up pos 0.5", "flip"]
)
def test_a_useful_tolerance_is_not_warned_of(tail: str) -> None:
    g = parse_grammar(BASE + f'%directional neg: "" -> "not" {tail}\n', source="g.cfg")
    assert not [w for w in g.warnings if "tolerance" in w], g.warnings
