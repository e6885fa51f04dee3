"""The caveat under a rerun command (hostile19b): said for a time budget only, in the
options of the command it stands under."""

from __future__ import annotations

from assay.core.runinfo import rerun_note


def test_a_query_budget_promises_the_same_findings() -> None:
    assert rerun_note({"budget": {"max_queries": 600, "max_time": None}}, "assay text") is None
    assert rerun_note({}, "assay fairness") is None and rerun_note(None) is None


def test_a_time_budget_is_said_in_the_commands_own_option() -> None:
    said = rerun_note({"budget": {"max_time": 60.0}}, "assay fairness --max-time 60")
    assert said and "--max-time 60" in said and "--max-queries" in said
    demo = rerun_note({"budget": {"max_time": 8.0}}, "assay demo --seed 0 --seconds 8")
    assert demo and "--seconds 8" in demo  # `assay demo` takes no query budget: none named
    assert "--max-queries" not in demo and "--max-time" not in demo
