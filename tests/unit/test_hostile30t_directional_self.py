"""``%directional N: "x" -> "x" away`` (an edit of an alternative into itself, a slip when
writing a CheckList DIR test) was accepted: the prediction can never move, so every case was
a "directional failure" and the run exited 1 with findings that are the grammar's typo.  It
is now refused naming the line and the column of the target."""

from __future__ import annotations

import pytest

from assay.errors import UsageError
from assay.text.grammar import parse_grammar

BASE = 'S -> "the food was" N A\nN -> "" | "not"\nA -> "good" | "bad"\n'


@pytest.mark.parametrize(
    ("line", "column"),
    [('%directional N: "" -> "" away', 23), ('%directional A: "good" ->  "good" flip', 28)],
)
def test_an_edit_of_an_alternative_into_itself_is_refused(line: str, column: int) -> None:
    with pytest.raises(UsageError, match="by itself") as caught:
        parse_grammar(BASE + line + "\n", source="g.cfg")
    assert caught.value.line == 4 and caught.value.column == column, caught.value


def test_an_edit_into_another_alternative_is_taken() -> None:
    g = parse_grammar(BASE + '%directional N: "" -> "not" away\n', source="g.cfg")
    assert len(g.directionals) == 1
