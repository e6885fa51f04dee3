"""A backdoor run's determinism check cut after it asked (``--max-time`` during its second
call) counts those queries among the run's queries by phase, and now says they bought no
result, as a fairness run's cut checks do (left37b's Left 4; on main: "could not be made"
beside its 40 queries counted, nothing saying what they were)."""

from __future__ import annotations

from typing import Any

from assay.backdoor.steadiness import check_line


def _summary(queries: int) -> dict[str, Any]:
    probe = {"skipped": "--max-time ran out", "queries": queries, "calls": 0}
    return {"determinism": {"probe": probe, "queries": queries}}


def test_a_cut_check_that_asked_says_its_queries_bought_nothing() -> None:
    line = check_line(_summary(40))
    assert line == (
        "determinism check: could not be made: --max-time ran out; it had asked 40 queries, "
        "spent without a result"
    )


def test_a_check_that_asked_nothing_says_only_why() -> None:
    line = check_line(_summary(0))
    assert line == "determinism check: could not be made: --max-time ran out"
