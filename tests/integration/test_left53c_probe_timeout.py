"""The start's batch check timing out (the run goes on) was said only in the result's
Determinism section, and in the command line's words (``--call-timeout``) to a Python caller
(hostile53's Left): now in the headline too, and in the caller's keywords."""

from __future__ import annotations

from typing import Any

from assay.core.callers_prose import summary_in_callers_terms
from assay.text.recheck import record_recheck

from test_hostile39b_batch_start import _Store  # isort: skip

WHY = "the model did not answer within 1.5 s (--call-timeout); it may be hung"


def _checked() -> dict[str, Any]:
    store = _Store()
    store.summary = {"headline": "26 failing sentences found"}
    probed = {"sentences": 0, "changed": 0, "classifiers": [], "skipped": WHY}
    record_recheck(store, "r", None, call_timeout=1.5, probed=probed)  # type: ignore[arg-type]
    return store.summary


def test_a_timed_out_start_check_is_in_the_headline() -> None:
    headline = _checked()["headline"]
    assert headline.startswith("26 failing sentences found (warning: "), headline
    assert "was not made: the model did not answer within 1.5 s" in headline, headline
    assert "the search went on without it" in headline, headline


def test_a_python_caller_reads_its_keyword() -> None:
    shown = summary_in_callers_terms(_checked(), "assay.check_text(m, grammar='g.txt')")
    assert "(call_timeout)" in shown["headline"] and "--call-timeout" not in shown["headline"]
    (section,) = shown["sections"]
    assert "--call-timeout" not in section["text"] and "call_timeout" in section["text"]
    # the command line keeps its flag
    assert "(--call-timeout)" in summary_in_callers_terms(_checked(), "assay text")["headline"]
