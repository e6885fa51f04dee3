"""The common-pattern check's flag in the scan's summary (mutation45b): the forty-third
session's test read it from the findings alone, so its column in the per-image table (BS2:
the table shown without it, a flagged image's row reading like a clean one's) and its rows
kept beyond ``ROWS_KEPT`` images (BS1: the pattern-flagged rows dropped from a large scan's
table) were unwatched.  The second is run on the same blend trojan with the cap lowered."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_left44b_common_pattern import _scan, blend_trojan

import assay.backdoor.summary as summary


def test_the_per_image_table_shows_the_common_pattern_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary, "ROWS_KEPT", 10)  # (40 images scanned: the flagged kept)
    r = _scan(tmp_path, blend_trojan)
    flagged = r.summary["second_opinion"]["pattern"]["flagged"]
    table = next(s["table"] for s in r.summary["sections"] if s["title"] == "Images")
    assert "pattern_flag" in table["columns"], table["columns"]
    rows = r.summary["rows"]
    assert (
        "the " in r.summary["rows_note"]
        and " flagged images of 40 scanned" in (r.summary["rows_note"])
    )
    assert sorted(int(row["image"]) for row in rows if row.get("pattern_flag")) == sorted(flagged)
