"""left46b: the unflagged images' and the known-trigger images' query means are each image's
own scan's, and their labels said nothing of it ("queries per unflagged image (mean)", "...
per image with a known trigger (mean)"; the headline's "22.7 queries per unflagged image"),
beside the run's queries per image that count everything (left45r labelled the overall mean
only).  Both are labelled now, in the metrics and the headline."""

from __future__ import annotations

from typing import Any

from test_left41b_known_trigger_queries import _row, _summary


def _rows() -> list[dict[str, Any]]:
    return [
        _row(0, False, 50),
        _row(1, False, 30),
        _row(2, True, 300, known_trigger=False),
        _row(3, True, 4, known_trigger=True),
    ]


def test_the_unflagged_and_known_trigger_means_are_labelled_as_each_images_own_scan() -> None:
    s = _summary(_rows())
    m = s["metrics"]
    assert m["queries per unflagged image of its own scan only (mean)"] == 40.0, m
    assert m["queries per image with a known trigger, of its own scan only (mean)"] == 4.0, m
    # main: these two keys, unlabelled
    assert "queries per unflagged image (mean)" not in m, m
    assert "queries per image with a known trigger (mean)" not in m, m
    # main: "; 40.0 queries per unflagged image, 4.0 per image with a known trigger"
    assert (
        "; each image's own scan: 40.0 queries per unflagged image, 4.0 per image with a "
        "known trigger" in s["headline"]
    ), s["headline"]


def test_a_run_with_no_unflagged_image_labels_its_per_image_mean_too() -> None:
    s = _summary([_row(0, True, 300, known_trigger=False)])
    assert "; each image's own scan: 300.0 queries per image" in s["headline"], s["headline"]
