"""Every piece of a stored summary's prose is said in the API's keywords for a run made from
Python, and none for a run made on the command line (mutation39: words38's test read one
section's note alone)."""

from __future__ import annotations

from assay.core.callers_prose import in_callers_terms, summary_in_callers_terms

SAID = "raise --max-queries, or give --max-time more"
CALLED = "raise max_queries, or give max_time more"
SUMMARY = {
    "headline": SAID,
    "stop_reason": SAID,
    "warnings": [SAID],
    "notes": [SAID],
    "sections": [{"title": "Budget", "note": SAID, "text": SAID, "rows": [SAID]}],
    "figures": SAID,
}


def test_an_api_runs_summary_says_every_piece_of_its_prose_in_its_keywords() -> None:
    got = summary_in_callers_terms(SUMMARY, "assay.check_fairness(<f>, max_queries=300)")
    assert got["headline"] == got["stop_reason"] == CALLED
    assert got["warnings"] == got["notes"] == [CALLED]
    assert got["sections"] == [{"title": "Budget", "note": CALLED, "text": CALLED, "rows": [SAID]}]
    assert got["figures"] == SAID  # (not prose: a value a reader matches on)
    assert SUMMARY["headline"] == SAID  # (a copy)


def test_a_command_lines_summary_is_left_in_its_words() -> None:
    assert summary_in_callers_terms(SUMMARY, "assay fairness m.py:f --seed 1") == SUMMARY
    assert in_callers_terms(SAID, "assay text a.py:f b.py:g") == SAID
    assert in_callers_terms(SAID, None) == SAID
