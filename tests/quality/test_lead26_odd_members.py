"""An invariance run names the member of a class a classifier treats unlike the rest: every
name of the class is in every case (the lift of each is the same), so the report counts, in
each minimal failure, which members got another label than most of the class."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.cli.text_hints import say_where
from assay.core.store import RunStore
from assay.text.api import check_text
from assay.text.oracle import odd_rows
from assay.text.panel import Layout

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes


def _run(tmp_path: Path, fn: Any, strategy: str = "walk") -> Any:
    return check_text(
        [text_fakes.Classifier(fn)],
        grammar="builtin:names",
        oracle="invariance",
        strategy=strategy,
        max_queries=1200,
        seed=3,
        store=RunStore(tmp_path / "runs.db"),
    )


class _Lines:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)


@pytest.mark.parametrize("strategy", ["walk", "random"])
def test_the_name_treated_differently_is_named_first(tmp_path: Path, strategy: str) -> None:
    r = _run(tmp_path, text_fakes.against("Olga"), strategy)
    odd = r.summary["text"]["odd_members"]
    assert r.n_findings > 0 and odd
    assert odd[0]["member"] == "Olga"
    assert odd[0]["failures"] == odd[0]["of"] == r.summary["text"]["distinct_minimal"]
    # the other names are odd only where the class split evenly or not at all
    assert all(o["failures"] < odd[0]["failures"] / 2 for o in odd[1:])
    lines = _Lines()
    say_where(lines, r.summary)
    assert lines.lines and lines.lines[0].startswith(
        "answered unlike the rest of its class: 'Olga'"
    )
    titles = [s["title"] for s in r.summary["sections"]]
    assert "Members answered unlike the rest of their class" in titles


def test_two_names_treated_differently_are_both_named(tmp_path: Path) -> None:
    r = _run(tmp_path, text_fakes.against("Olga", "Kenji"))
    top = {o["member"] for o in r.summary["text"]["odd_members"][:2]}
    assert top == {"Olga", "Kenji"}


def test_a_fair_classifier_names_no_member(tmp_path: Path) -> None:
    r = _run(tmp_path, text_fakes.lexicon)
    assert r.n_findings == 0 and r.summary["text"]["odd_members"] == []
    lines = _Lines()
    say_where(lines, r.summary)
    assert lines.lines == []


def test_odd_rows_need_a_strict_majority() -> None:
    lay = Layout(("m",), (("negative", "positive"),), (0,), ("negative", "positive"), ((0, 1),))
    neg, pos = [0.9, 0.1], [0.1, 0.9]
    assert odd_rows(lay, np.array([neg, neg, pos, neg])) == [2]
    assert odd_rows(lay, np.array([neg, pos])) == []  # two that differ: neither is odd
    assert odd_rows(lay, np.array([neg, pos, pos, neg])) == []
    assert odd_rows(lay, np.array([pos, neg, neg])) == [0]  # the sentence's own member too
