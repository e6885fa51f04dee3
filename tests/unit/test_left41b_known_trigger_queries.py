"""left41b: "queries per image with a known trigger" counted the images flagged by the recheck
after the scan (``backdoor/recheck.py``), whose own full search ran before their trigger was
known: hostile41b's greydir run read 221.5 per image with a known trigger against 52.5 per
unflagged image.  The figure now counts the images matched to a trigger known when they were
reached, and says how many the recheck flagged beside it (terminal and HTML read the headline,
JSON the metrics too)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from assay.backdoor.summary import _input_summary


def _row(image: int, poisoned: bool, queries: int, **extra: Any) -> dict[str, Any]:
    return {
        "image": image,
        "poisoned": poisoned,
        "queries": queries,
        "seconds": 0.01,
        "status": "done",
        **extra,
    }


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    test = SimpleNamespace(strategy="assay", images=None, max_trigger=None)
    search = SimpleNamespace(test=test, rows=rows, triggers=[], model=None, clean_labels=None)
    return _input_summary(search)


def test_images_flagged_by_the_recheck_are_not_counted_as_checked_against_a_known_trigger() -> None:
    rows = [
        _row(0, False, 50),
        _row(1, True, 300, known_trigger=False),  # the trigger first found: a full search
        _row(2, True, 4, known_trigger=True),  # matched when scanned
        _row(3, True, 2, known_trigger=True),
        _row(4, True, 412, known_trigger=True, rechecked=True),  # its own search, then a match
    ]
    s = _summary(rows)
    # main: "139.3 per image with a known trigger" (4, 2 and 412)
    assert (
        ", 3.0 per image with a known trigger (1 flagged by the recheck after the scan "
        in (s["headline"])
    )
    key = "queries per image with a known trigger, of its own scan only (mean)"
    assert s["metrics"][key] == 3.0
    assert s["metrics"]["images flagged by the recheck after the scan"] == 1


def test_no_figure_when_only_the_recheck_found_images_with_a_known_trigger() -> None:
    rows = [
        _row(0, False, 50),
        _row(1, True, 300, known_trigger=False),
        _row(2, True, 412, known_trigger=True, rechecked=True),
    ]
    s = _summary(rows)
    assert "per image with a known trigger" not in s["headline"]  # main: "412.0 per image ..."
    assert "; 1 flagged by the recheck after the scan" in s["headline"]
    assert "queries per image with a known trigger, of its own scan only (mean)" not in s["metrics"]
    assert s["metrics"]["images flagged by the recheck after the scan"] == 1
