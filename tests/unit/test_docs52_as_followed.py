"""The README and docs followed as typed after hostile52, hostile52b, left52, store52, perf52
and mutation52 (bench/RESULTS.md, docs52): what a page said that the code did not, kept fixed."""

from __future__ import annotations

import re
from pathlib import Path

from assay.cli.text_lines import _told

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_directional_test_nothing_moved_is_said_as_an_edit_not_a_swap() -> None:
    # hostile52 made a suite's %directional test of classifiers answering one answer to
    # everything "not tested"; its terminal line said "no swap could change it" (the
    # invariance tests' words) of an edit
    directional = {"test": 'line 5: %directional neg: "" -> "not" not-up pos 0', "cases": 15}
    said = _told({**directional, "outcome": "not tested"})
    assert "no edit could move it" in said and "swap" not in said
    invariant = {"test": "line 4: %invariant N", "cases": 15, "outcome": "not tested"}
    assert "no swap could change it" in _told(invariant)
