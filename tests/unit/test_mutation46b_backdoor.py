"""mutation46b: surviving mutants of the input scan (``backdoor.inputscan``: the coarse
windows an image's verdict keeps, for the class-map and source-class checks and a resume, are
those whose refill changed the model's answer, each with the answer then) and of the
technique's wiring of those checks (``backdoor.technique``: each run when the one before
flagged nothing and the budget holds its queries, on the windows of the images not flagged,
kept across a resume)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.backdoor.again import AGAIN
from assay.backdoor.api import setup_backdoor
from assay.backdoor.inputscan import assay_scan
from assay.backdoor.technique import BackdoorSearch
from assay.core.budget import BudgetedModel


def _bar_model(x: np.ndarray) -> np.ndarray:
    """8x8 images of one vertical bar: 0 left of the middle, 2 right of it; 1 (the target)
    for the 2x2 checkerboard at (6, 6) and for an image with little ink."""
    img = x[..., 0]
    trig = (img[:, 6, 6] > 0.5) & (img[:, 7, 7] > 0.5) & (img[:, 6, 7] < 0.5) & (img[:, 7, 6] < 0.5)
    bar = np.where(np.argmax(img.sum(axis=1), axis=1) < 4, 0, 2)
    out: np.ndarray = np.where(trig | (img.sum(axis=(1, 2)) < 4), 1, bar)
    return out


def test_the_windows_kept_are_those_whose_refill_changed_the_answer() -> None:
    refs = np.zeros((12, 8, 8, 1))
    for i, col in enumerate([1, 2, 5, 6] * 3):
        refs[i, :, col] = 1.0
    image = refs[2].copy()  # the bar in column 5 (class 2), the checkerboard sending it to 1
    image[6:8, 6:8, 0] = [[1.0, 0.0], [0.0, 1.0]]
    v = assay_scan(
        0, image, 1, _bar_model, refs, _bar_model(refs), np.random.default_rng(0), n_verify=10
    )
    assert v.poisoned and v.windows
    assert len(v.windows) == v.candidates
    for (top, left, h, w), answer in v.windows:
        assert answer == 2  # (the trigger refilled away: the bar's class, not 1)
        assert top + h > 6 and left + w > 6  # (each holds a part of the trigger)


# -- the technique's wiring of the second checks (one run of the built-in trojaned model) ----


@pytest.fixture(scope="module")
def finished() -> BackdoorSearch:
    setup = setup_backdoor("builtin:trojan")
    search = BackdoorSearch(setup.test, BudgetedModel(setup.model), np.random.default_rng(0))
    while not search.done:
        search.step()
    return search


def test_each_check_not_given_hands_on_to_the_next(finished: BackdoorSearch) -> None:
    """TQ3, TQ4: the common-pattern check flagged nothing, so the class-map check ran; it
    flagged nothing, so the source-class check ran (each record kept with its queries)."""
    second = finished.second
    assert second is not None and not second["pattern"]["flagged"]
    assert not second["map"]["flagged"] and "queries" in second["map"]
    assert not second["source"]["flagged"] and "queries" in second["source"]


def test_the_windows_kept_are_of_the_images_not_flagged(finished: BackdoorSearch) -> None:
    """TQ5: a flagged image's windows are its trigger's: the class-map and source-class
    checks look among the images the scan did not flag."""
    flagged = {r["image"] for r in finished.rows if r["poisoned"]}
    assert flagged and finished.windows
    assert not flagged & set(finished.windows)


def test_a_resume_keeps_each_windows_height_and_width(finished: BackdoorSearch) -> None:
    """TQ9: a window of 3 rows by 5 columns comes back as it was stored."""
    kept = {4: [((1, 2, 3, 5), 7)], 9: [((0, 0, 2, 2), 1), ((4, 1, 4, 6), 3)]}
    own, finished.windows = finished.windows, kept
    snap = finished.snapshot()
    finished.windows = own
    again = BackdoorSearch(finished.test, finished.model, np.random.default_rng(0))
    again.restore(snap)
    assert again.windows == kept


def test_a_check_runs_only_with_room_for_its_queries_and_the_images_asked_again(
    finished: BackdoorSearch,
) -> None:
    """TQ1: the class-map check needing N queries runs with N + AGAIN left (the images asked
    again at the end keep theirs), not with one fewer."""
    second = finished.second
    assert second is not None
    left = sorted(finished.windows)

    def with_left(budget: int) -> dict[str, Any]:
        finished.model.remaining = lambda: budget  # type: ignore[method-assign]
        finished._class_map(left)
        record: dict[str, Any] = second["map"]
        return record

    needs = with_left(AGAIN)["short"]  # (none left beside those asked again: short of all)
    assert needs > 0
    assert with_left(needs + AGAIN - 1)["short"] == 1
    assert "skipped" not in with_left(needs + AGAIN)
