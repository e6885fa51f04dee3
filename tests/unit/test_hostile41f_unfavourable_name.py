"""hostile41f: of two classes whose names say nothing favourable, the last was taken as the
favourable one; the built-in COMPAS data's ``no_recid``/``two_year_recid`` so made the
reoffence the favourable outcome ("the Other variant gets 'two_year_recid' in 67.84 % of the
discriminatory input space", read as the group favoured).  A class naming an unfavourable
event now makes the other one favourable, said as a guess with the option that reverses it."""

from __future__ import annotations

import pytest

from assay.cli.answer_lines import say_answer
from assay.fairness.verdict import BY_POSITION, BY_THE_OTHER, favourable_class


@pytest.mark.parametrize(
    ("names", "favourable"),
    [
        (["no_recid", "two_year_recid"], "no_recid"),
        (["two_year_recid", "no_recid"], "no_recid"),
        (["paid", "default"], "paid"),
        (["stay", "churn"], "stay"),
        (["ok", "fraud"], "ok"),
    ],
)
def test_the_class_other_than_an_unfavourable_event_is_favourable(
    names: list[str], favourable: str
) -> None:
    index, name, how = favourable_class(names, 2, None)
    assert (name, index) == (favourable, names.index(favourable))
    assert how.startswith(BY_THE_OTHER)
    event = next(n for n in names if n != favourable)
    assert f"--favourable {event}" in how


@pytest.mark.parametrize(
    "names", [["0", "1"], ["a", "b"], ["low risk", "high risk"], ["x", "default", "y"]]
)
def test_names_that_do_not_tell_keep_the_last_class(names: list[str]) -> None:
    _, name, how = favourable_class(names, len(names), None)
    assert name == names[-1] and how.startswith(BY_POSITION)


def test_the_guess_is_said_under_the_answer() -> None:
    _, name, how = favourable_class(["no_recid", "two_year_recid"], 2, None)
    lines: list[str] = []

    class _Out:
        def say(self, text: str) -> None:
            lines.append(text)

    row = {"attribute": "race", "basis": "sampled", "level": "found", "share_uniform": 0.1}
    say_answer(_Out(), {"verdict": [row], "favourable": {"class": name, "index": 0, "how": how}})
    assert any(
        line.startswith("note: favourable outcome inferred: the class other") for line in lines
    )
