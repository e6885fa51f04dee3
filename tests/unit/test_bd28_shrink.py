"""The model scan's coarse-to-fine step (``shrink.shrink``): a patch that reaches a class is
cut while it still does, so a trigger found inside a larger patch is scored by its own size,
and a drawn feature keeps the size it needs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from assay.backdoor.modelscan import scan_class
from assay.backdoor.shrink import shrink
from assay.backdoor.strip import Scorer


def _toy(fired: Callable[[np.ndarray], np.ndarray], target: int) -> Scorer:
    """A toy model's scores: class 0, or ``target`` where ``fired(images)`` holds."""

    def scores(x: np.ndarray) -> np.ndarray:
        hit = fired(x)
        out = np.full((len(x), 10), 0.01)
        out[:, 0] = np.where(hit, 0.01, 0.91)
        out[:, target] = np.where(hit, 0.91, out[:, target])
        return out

    return scores


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_trigger_found_inside_a_larger_patch_is_scored_by_its_own_size(seed: int) -> None:
    """A 2x2 white trigger at (9, 5) of 16x16 images, searched at size 6 only: the 6x6 patch
    that holds it is cut down to the trigger itself (without the step the class's size was
    6, the size of a clean class's stroke at 28x28)."""
    scores = _toy(lambda x: np.all(x[:, 9:11, 5:7, 0] == 1.0, axis=(1, 2)), 3)
    images = np.full((12, 16, 16, 1), 0.4)
    scan = scan_class(3, images, scores, np.random.default_rng(seed), [6])
    assert scan.size == 2 and scan.box == (9, 5, 2, 2), scan
    assert scan.flip_rate == 1.0
    off = scan_class(3, images, scores, np.random.default_rng(seed), [6], coarse_to_fine=False)
    assert off.size == 6


def test_a_drawn_feature_keeps_the_size_it_needs() -> None:
    """A class reached by a 5-pixel vertical stroke (a '1'): its 7x7 patch is cut to 5x5, no
    further: every smaller part loses a piece of the stroke, and the images are not sent."""

    scores = _toy(lambda x: np.all(x[:, 4:9, 6, 0] > 0.5, axis=1), 1)
    images = np.zeros((10, 16, 16, 1))
    content = np.zeros((7, 7, 1))
    content[:, 3] = 1.0  # a 7-pixel stroke in column 6 of the images, rows 3-9
    box, part, rate = shrink(1, (3, 3, 7, 7), content, images, scores, 0.95, 1.0)
    assert box[2:] == (5, 5) and box[0] == 4 and box[1] <= 6 < box[1] + 5, box
    assert rate == 1.0 and part.shape == (5, 5, 1)
    assert np.all(part[:, 6 - box[1], 0] == 1.0)


def test_a_patch_no_part_of_which_works_is_kept_whole() -> None:
    """No part of the patch reaches tau: the patch, its rate and its box come back unchanged."""

    scores = _toy(lambda x: np.all(x[:, 0:3, 0:3, 0] > 0.5, axis=(1, 2)), 4)
    images = np.zeros((8, 8, 8, 1))
    content = np.ones((3, 3, 1))
    box, part, rate = shrink(4, (0, 0, 3, 3), content, images, scores, 0.95, 1.0)
    assert box == (0, 0, 3, 3) and rate == 1.0
    np.testing.assert_array_equal(part, content)


def test_one_sweep_answers_every_class_and_a_resumed_scan_reads_it() -> None:
    """The first candidates of a size are asked once for every class (``sweep``), and their
    scores travel with the scan's state: a model scan restored between classes asks exactly
    what the uninterrupted one asked and finds the same patches (no cache of answers: a
    resumed run starts with an empty one)."""
    from assay.backdoor.api import setup_backdoor
    from assay.backdoor.technique import BackdoorSearch
    from assay.core.budget import BudgetedModel

    setup = setup_backdoor("builtin:trojan", images=False)

    def search() -> BackdoorSearch:
        model = BudgetedModel(setup.model, cache_size=0)
        return BackdoorSearch(setup.test, model, np.random.default_rng(0))

    whole = search()
    while not whole.done:
        whole.step()
    n_classes = len(whole.class_scans)
    assert whole.sweeps and all(table.shape[1] == n_classes for table in whole.sweeps.values())
    first = search()
    while first.position < 3 or first.phase != "classes":
        first.step()
    snap = first.snapshot()
    assert {f"sweep_{size}" for size in first.sweeps} <= set(snap.arrays)
    again = search()
    again.restore(snap)
    while not again.done:
        again.step()
    assert [s.to_json() for s in again.class_scans] == [s.to_json() for s in whole.class_scans]
    assert again.verdict == whole.verdict
    assert first.model.queries + again.model.queries == whole.model.queries
