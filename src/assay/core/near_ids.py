"""Run ids near one typed that names no run (a digit swapped, a character dropped): what
`assay show/report/resume/verify/delete RUN` suggests beside the latest runs.

A team's store holds thousands of runs whose ids differ in their last characters
(``fairness-20261207-215622-c813``): a typo said only "no run ...; latest runs: (five
others)", and the run meant was not among them."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["near_ids"]

_MOST = 3
_ALIKE = 0.9  # difflib's ratio: a digit swapped in a 29-character id is 0.97
_MARGIN = 0.02


def near_ids(typed: str, ids: Iterable[str]) -> list[str]:
    """The ids most like ``typed``: at most three, the likest first, each nearly as alike as
    the likest (ids of one day share most of their characters: a looser bound suggested
    every run of that minute)."""
    if not typed or len(typed) > 200:
        return []
    scored = []
    for i in ids:
        matcher = difflib.SequenceMatcher(None, typed, i)
        quick = matcher.real_quick_ratio() >= _ALIKE and matcher.quick_ratio() >= _ALIKE
        if quick and (ratio := matcher.ratio()) >= _ALIKE:
            scored.append((-ratio, i))
    scored.sort()
    if not scored:
        return []
    best = -scored[0][0]
    return [i for r, i in scored[:_MOST] if -r >= best - _MARGIN]
