"""A time budget's rerun caveat names a query budget of the run's size (repro24): the note
said only that a query budget reproduces findings, not which one; the count the run reached
is not the same run (a text demo stopped by --max-time 4 at 8,278 queries, rerun with
--max-queries 8278: 1,882 of its 2,049 sentences), so the note says what it gives."""

from __future__ import annotations

from assay.core.runinfo import rerun_note

_TIMED = {"budget": {"max_time": 4.0}}


def test_the_note_names_the_query_count_in_the_callers_terms() -> None:
    summary = {"metrics": {"queries": 8278}}
    cli = rerun_note(_TIMED, "assay text --demo --max-time 4", summary=summary)
    assert cli and "--max-queries 8278 in place of the time budget" in cli
    assert "not these" in cli  # it does not promise the same findings
    api = rerun_note(_TIMED, "assay.check_text(['builtin:vader'], seed=1)", summary=summary)
    assert api and "max_queries=8278" in api and "--max" not in api


def test_no_count_is_made_up() -> None:
    for summary in (None, {}, {"metrics": {}}, {"metrics": {"queries": True}}):
        said = rerun_note(_TIMED, "assay fairness m.skops --max-time 4", summary=summary)
        assert said and "in place of the time budget" not in said
    demo = rerun_note(
        {"budget": {"max_time": 8.0}}, "assay demo --seconds 8", summary={"metrics": {"queries": 9}}
    )
    assert demo and "--max-queries" not in demo  # (`assay demo` takes no query budget)
