"""bd46: the run-time filter and the class-map and source-class checks' flags.

An all-to-all run (attack45b's digits, 18 stamped images flagged by the class-map check, exit
1) wrote ``--export-filter`` saying "it holds no trigger (none was confirmed), so it blocks
nothing and answers as the model does", nothing of the 18 flagged images passing it; its
``exports.filter.not_blocked`` counted STRIP's second opinion's flags only (0), and the file's
``covers`` named STRIP's flags alone.  The filter holds the confirmed patch triggers only: it
now says which flagged images it does not block, and why.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assay.backdoor.filter import COVERS
from assay.cli.backdoor_cmd import filter_export, filter_line, opinion_flags


def _result(opinion: dict[str, Any], triggers: int = 0) -> Any:
    return SimpleNamespace(
        summary={"second_opinion": opinion},
        filter_path="f.json",
        triggers=[object()] * triggers,
        trigger_forms=None,
        filter_overhead=0.0,
        filter_overhead_clean=0.0,
    )


def test_a_class_map_run_s_filter_says_its_flags_pass_it() -> None:
    r = _result({"flagged": [], "map": {"flagged": list(range(20, 38))}})
    line = filter_line(r)
    assert line.startswith("filter written to f.json: it holds no trigger"), line
    assert "it does not block the 18 image(s) the class-map check flagged" in line, line
    # (left49b: the class-map window alone named; the source-class one is blocked when located)
    assert (
        "no pixels the class-map check found at a window: a trigger that sends each class to "
        "another passes it)" in line
    ), line
    assert filter_export(r)["filter"]["not_blocked"] == 18  # before: 0


def test_a_source_class_and_a_common_pattern_flag_are_counted_too() -> None:
    r = _result({"flagged": [], "pattern": {"flagged": [1, 2]}, "source": {"flagged": [2, 3]}})
    assert opinion_flags(r) == [1, 2, 3]
    line = filter_line(_result(r.summary["second_opinion"], triggers=1))
    assert "the 2 image(s) the common-pattern check flagged, the 2 the source-class check did" in (
        line
    )
    assert "no blend check" in line and "a source-class group it did not locate" in line


def test_strip_s_words_are_unchanged_and_a_quiet_run_says_nothing_more() -> None:
    line = filter_line(_result({"flagged": list(range(12))}))
    assert line.endswith(
        "; it does not block the 12 image(s) STRIP's second opinion flagged (the filter holds "
        "patch triggers only, no blend check: a trigger blended over the whole image passes it)"
    ), line
    quiet = filter_line(_result({"flagged": [], "map": {"flagged": []}}))
    assert quiet.endswith("answers as the model does"), quiet


def test_the_file_s_covers_names_the_checks() -> None:
    assert "the windows the source-class check located" in COVERS  # (left49b)
    assert "the class-map check found at a window" in COVERS
    assert "one of its checks flagged otherwise passes this filter unchanged" in COVERS


def test_source_class_flags_whose_window_the_filter_holds_are_not_said_to_pass_it() -> None:
    """left49b: the filter carries a located source-class window (``filter_windows``): its
    flags are blocked, and only the flags of a group not located still pass it."""
    r = _result({"flagged": [], "source": {"flagged": [4, 5, 6]}})
    r.filter_windows, r.window_flags = [SimpleNamespace(box=(3, 2, 5, 5))], [4, 5, 6]
    line = filter_line(r)
    assert line.startswith(
        "filter written to f.json: no patch trigger (none was confirmed) but the 5x5 window at "
        "row 3, column 2 the source-class check located (the pixels its 3 flagged image(s) "
        "agree on there"
    ), line
    assert "does not block" not in line and "blocks nothing" not in line, line
    assert filter_export(r)["filter"]["not_blocked"] == 0 and opinion_flags(r) == []
    assert filter_export(r)["filter"]["windows"] == 1
    r.window_flags = [4, 5]  # (a second group, not located: its image 6 passes)
    line = filter_line(r)
    assert (
        "; it does not block the 1 image(s) the source-class check flagged (the filter holds "
        "patch triggers and located source-class windows only, no window of a source-class "
        "group it did not locate" in line
    ), line
