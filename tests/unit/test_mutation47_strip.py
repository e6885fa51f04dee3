"""mutation47: STRIP's blends without replacement said as they are (left46b), a model scan's
queries with the determinism check's (audit46b), each assertion a surviving mutant's: how
many distinct clean images a blend set holds, a pool exactly as large as the blends (nothing
to say), a summary that is no model scan's left as it is, and a session's count replaced."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np

from assay.backdoor.run_rates import run_rates
from assay.backdoor.strip import blend_picks, distinct_blends
from assay.backdoor.summary import _strip_pool

CHECK = "queries asked by the determinism check"


def test_a_blend_set_holds_as_many_distinct_images_as_the_pool_allows() -> None:
    assert distinct_blends(40, 20) == 20
    assert distinct_blends(10, 20) == 10
    assert distinct_blends(20, 20) == 20
    picks = blend_picks(np.random.default_rng(0), 5, 20, 20)  # (a pool of exactly 20)
    assert all(sorted(row.tolist()) == list(range(20)) for row in picks)


def _search(n_clean: int, blends: int = 20) -> SimpleNamespace:
    return SimpleNamespace(
        test=SimpleNamespace(strip_blends=blends, clean=np.zeros((n_clean, 4, 4)))
    )


def test_a_pool_as_large_as_the_blends_says_nothing() -> None:
    assert _strip_pool(_search(40)) == ""  # (a pool of 20 for 20 blends: all distinct)
    assert _strip_pool(_search(41)) == ""
    said = _strip_pool(_search(39))  # (a pool of 19)
    assert said.startswith("; each image's 20 blends are of only 19 distinct clean images"), said
    assert said.endswith("give at least 40 clean images for 20 distinct)"), said


def test_a_summary_no_model_scans_is_left_as_it_is() -> None:
    # no images scanned and no classes scanned (a scan stopped before any): nothing rewritten
    summary = {"headline": "stopped; 10 queries", "metrics": {"queries": 10, CHECK: 6}}
    assert run_rates(summary, 10, 1.0) == summary


def test_a_model_scans_headline_count_of_a_session_before_is_replaced() -> None:
    # the headline said the scan's own 90 (a session before kept 80): 90 + the check's 6
    summary = {
        "headline": "class 7 reachable; 90 queries; exit",
        "metrics": {"queries": 80, CHECK: 6, "classes scanned": 10},
    }
    out = run_rates(summary, 90, 1.0)
    assert out["headline"] == "class 7 reachable; 96 queries; exit", out
    assert out["metrics"]["queries"] == 96


def test_a_model_scans_note_says_the_side_a_class_with_none_found_counts_as(
    tmp_path: Path,
) -> None:
    # the index counts a class with no patch found as one side beyond the largest searched
    # (``summary._model_summary``: ``sizes[-1] + 1``): the note says that side
    import re

    from test_audit46b_figures import _predict

    import assay

    clean = np.random.default_rng(3).random((80, 8, 8))
    r = assay.check_backdoor(
        _predict, clean=clean, n_classes=4, seed=0, max_trigger=2, store=tmp_path / "r.db"
    )
    (note,) = [s["note"] for s in r.summary["sections"] if "counted as side" in s.get("note", "")]
    sizes = re.search(r"searched at the sizes \[([\d, ]+)\]", note)
    side = re.search(r"a class with none found counted as side (\d+)", note)
    assert sizes and side, note
    assert int(side.group(1)) == max(int(s) for s in sizes.group(1).split(",")) + 1, note
