"""left46t's Left, said where the figures are printed (left47t): the exhaustive warning
could not know the replay's held-back share, so a budget covering every derivation warned of
nothing while a noisy classifier's search reached 95 % of them; and the errors that held
were said as an exact count beside the search's, where they may understate."""

from __future__ import annotations

from typing import Any

import pytest

import assay
from assay.text.grammar import parse_grammar
from assay.text.replay_hold import HOLD_SHARE
from assay.text.strategies import exhaustive_reach

GRAMMAR = 'S -> a b\na -> "x" | "y" | "z" | "w"\nb -> "1" | "2" | "3" | "4" | "5"\n'  # 20


def test_a_share_covering_every_derivation_only_without_the_hold_warns() -> None:
    grammar = parse_grammar(GRAMMAR)
    held = int(22 * HOLD_SHARE)  # 3: the search's 22 leave 19 of the 20 derivations
    said = exhaustive_reach(grammar, 8, 30, search=22, held=held)
    assert said is not None
    assert "enough for the grammar's 20 derivations" in said, said
    assert "3 of them are held back to ask its findings again" in said, said
    assert "at most the first 95.0%" in said, said
    assert exhaustive_reach(grammar, 8, 30, search=22) is None  # (no checks: no hold)
    assert exhaustive_reach(grammar, 8, 40, search=30, held=5) is None  # covered either way
    short = exhaustive_reach(grammar, 8, 20, search=12, held=2)
    assert short is not None and "at most the first 60.0%" in short, short
    assert "the rest reach at most the first 50.0%" in short, short


def _noisy_pair() -> tuple[Any, Any]:
    def a(batch: list[str]) -> list[str]:
        return ["pos" if "great" in s else "neg" for s in batch]

    asked: dict[str, int] = {}

    def b(batch: list[str]) -> list[str]:
        out = []
        for s in batch:  # "staff ... great" answered the other way the first time only
            asked[s] = asked.get(s, 0) + 1
            flip = "staff" in s and "great" in s and asked[s] == 1
            real = "food" in s and "great" in s
            label = "pos" if "great" in s else "neg"
            out.append(("neg" if label == "pos" else "pos") if flip or real else label)
        return out

    a.classes_ = b.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    return a, b


@pytest.mark.filterwarnings("ignore::assay.AssayWarning")
def test_the_held_errors_are_said_as_at_least(tmp_path: Any) -> None:
    grammar = tmp_path / "g.cfg"
    grammar.write_text(
        'S -> subj " was " adj tail\nsubj -> "the food" | "the staff" | "the room"\n'
        'adj -> "great" | "bad" | "fine"\ntail -> "" | " today" | " again, honestly"\n',
        encoding="utf-8",
    )
    a, b = _noisy_pair()
    result = assay.check_text(
        [a, b], grammar=str(grammar), max_queries=400, seed=1, store=tmp_path / "s.db"
    )
    said = next(
        s["text"] for s in result.summary["sections"] if s["title"] == "Findings asked again"
    )
    assert "errors found: at least " in said, said
    assert "shrinking's own failing candidates" in said, said
