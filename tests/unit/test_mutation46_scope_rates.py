"""mutation46: surviving mutants of a backdoor pass's scope words (``backdoor.scope``), its
run-wide per-image figures (``backdoor.run_rates``) and the units' class-map and source-class
records (``backdoor.second_view``), each killed here."""

from __future__ import annotations

from typing import Any

import pytest

from assay.backdoor.run_rates import IN_ALL, RUN_QUERIES, RUN_SECONDS, in_all_clause, run_rates
from assay.backdoor.scope import INPUT_SCAN_NOT_SOURCE, input_scope, model_looked_for
from assay.backdoor.second_view import describe_units, mark_rows, merge_opinions

QUIET = {"given": False, "windows": [], "groups": [], "flagged": [], "queries": 0}
ROW = {"image": 0, "poisoned": False}


def _scope(rows: list[dict[str, Any]], second: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {"headline": "0 of 1", "second_opinion": second}
    input_scope(summary, rows, "assay")
    return summary


def test_no_scope_words_beside_an_image_any_check_flagged() -> None:
    assert "not_looked_for" not in _scope([{**ROW, "pattern_flag": True}], {"map": QUIET})
    for check in ("pattern", "map", "source"):
        second = {"map": QUIET, check: {**QUIET, "given": True}}
        assert "not_looked_for" not in _scope([ROW], second), check
    assert _scope([ROW], {"map": QUIET})["not_looked_for"] == INPUT_SCAN_NOT_SOURCE


def test_the_model_scan_says_its_largest_patch() -> None:
    assert "up to 4x4 pixels" in model_looked_for([4, 1, 2])
    assert "of up to" not in model_looked_for([])


def _summary(kept: int, own: list[int], images: int = 4) -> dict[str, Any]:
    return {
        "metrics": {
            "images scanned": images,
            IN_ALL: kept,
            "queries asked by the determinism check": 16,
        },
        "rows": [{"queries": q} for q in own],
        "headline": "4 images" + in_all_clause(kept, sum(own)),
    }


def test_the_run_s_queries_per_image_count_the_determinism_check() -> None:
    out = run_rates(_summary(100, [20, 20, 20, 20]), 100, 2.0)
    assert out["metrics"][IN_ALL] == 116 and out["metrics"][RUN_QUERIES] == 29.0
    assert out["headline"].endswith(in_all_clause(116, 80))
    assert out["metrics"][RUN_SECONDS] == 0.5


def test_a_resumed_session_s_count_in_the_headline_is_recounted() -> None:
    # the headline said a session's before (90), the scan has counted 100 since
    out = run_rates(_summary(90, [20, 20, 20, 20]), 100, 1.0)
    assert out["headline"].endswith(in_all_clause(116, 80)), out["headline"]
    s = _summary(90, [20, 20, 20, 20])
    s["headline"] = "4 images" + in_all_clause(100, 80)  # (the scan's own count said)
    assert run_rates(s, 100, 1.0)["headline"].endswith(in_all_clause(116, 80))


def test_no_seconds_figure_without_a_clock_and_none_per_image_without_images() -> None:
    assert RUN_SECONDS not in run_rates(_summary(100, [25] * 4), 100, 0.0)["metrics"]
    model_scan = {"metrics": {"images scanned": 0}, "headline": "h"}
    assert run_rates(model_scan, 50, 1.0) is model_scan


def test_units_one_asked_check_given_skipped_or_short_of_units() -> None:
    base = {"given": False, "flagged": [], "queries": 10}
    source = {**QUIET, "given": True, "flagged": [5], "group": {}}
    merged = merge_opinions([{**base, "source": QUIET}, {**base, "source": source}])
    assert merged is not None and merged["source"] is source
    short = {"skipped": "the query budget left 3 of 80 it needs"}
    merged = merge_opinions([{**base, "map": short}, {**base, "map": QUIET}])
    assert merged is not None
    assert merged["map"]["skipped"] == "in 1 of 2 units: the query budget left 3 of 80 it needs"
    merged = merge_opinions([{**base, "map": QUIET}, {**base, "map": QUIET}])
    assert merged is not None and merged["map"] is QUIET


def test_images_the_source_class_check_flagged_are_marked() -> None:
    rows = [{"image": i} for i in range(3)]
    opinion = {"given": False, "flagged": [], "source": {"flagged": [2]}, "map": {"flagged": [0]}}
    marked = mark_rows(rows, opinion)
    assert [bool(r.get("pattern_flag")) for r in marked] == [True, False, True]


@pytest.mark.parametrize("check", ["map", "source"])
def test_the_units_words_carry_both_checks(check: str) -> None:
    opinion = {"units": 2, "asked": 0, check: {**QUIET, "queries": 7}}
    words = describe_units(opinion)
    name = "class-map" if check == "map" else "source-class"
    assert f"; the {name} check (0 {'windows' if check == 'map' else 'groups'}, 7 queries)" in words
