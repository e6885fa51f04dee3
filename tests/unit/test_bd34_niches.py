"""The model scan's climb at separate places (``niches.apart``), its window slides
(``niches.slid``) and the pick of each size's patch on the search's images (bd34).

On a trojaned 28x28 digits MLP the box holding a 2x2 trigger's pattern ranked 7th of its
class's 2,500 first candidates, behind six near-copies of a '3' stroke at the left edge; the
climb took its six elites from the top of the ranking and never came back to it.  Once it
did, the best box there cut through the trigger (one of its two columns): moving the content
with the box moved the pattern found, not the box onto the rest of it.  The toy models here
have the same two peaks: a broad natural feature that sends about half the images to the
target wherever a light patch lies over it, and a small checkerboard trigger at the border
whose matched pixels each raise the target's probability."""

from __future__ import annotations

import numpy as np
import pytest

from assay.backdoor import modelscan
from assay.backdoor.modelscan import ClassScan, scan_class, scan_sizes
from assay.backdoor.niches import apart, overlap, slid
from assay.backdoor.patches import Box, paste

SIDE = 28
TARGET = 6
TRIGGER = (0, SIDE - 2)  # a 2x2 checkerboard in the top-right corner
CHECK = np.array([[1.0, 0.0], [0.0, 1.0]])
RAMP = np.array([0.0, 0.15, 0.3, 0.45, 0.95])  # the target's probability per pixel matched
_HASH = np.random.default_rng(7).uniform(-1.0, 1.0, (SIDE, SIDE))


class TwoPeaks:
    """28x28 grey images, 10 classes.  Each image's own class (from a hash of its pixels)
    has a probability from 0.40 to 0.60 (from a second hash).  The target's probability is
    the larger of: the trigger's, ``RAMP`` of the number of pixels of the 2x2 checkerboard
    matched (within 0.15; 0.95 when all four are); and the natural feature's, 0.55 times the
    mean brightness of rows 11-14, columns 0-3 (a white 4x4 patch over it sends about 80 %
    of the images, and its near-copies a little fewer)."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        a = np.asarray(x, dtype=np.float64)[..., 0]
        t, left = TRIGGER
        region = a[:, t : t + 2, left : left + 2]
        matched = (np.abs(region - CHECK) < 0.15).sum(axis=(1, 2))
        stroke = a[:, 9:13, 0:4].mean(axis=1).max(axis=1)  # the brightest column's 4 rows
        target = np.maximum(RAMP[matched], 0.52 * stroke)
        h = np.einsum("nhw,hw->n", a, _HASH)
        own = np.floor(np.abs(h) * 1000).astype(np.int64) % 9
        own = np.where(own >= TARGET, own + 1, own)  # never the target
        out = np.zeros((len(a), 10))
        out[np.arange(len(a)), own] = 0.40 + 0.20 * ((np.abs(h) * 7919) % 1.0)
        out[:, TARGET] = target
        return out


def _images(n: int, seed: int) -> np.ndarray:
    """Faint noise (0.2-0.4: matching neither a black nor a white pixel of the trigger)."""
    return np.random.default_rng(seed).uniform(0.2, 0.4, (n, SIDE, SIDE, 1))


def test_apart_takes_the_best_box_of_each_place() -> None:
    boxes = [(0, 0, 4, 4), (0, 1, 4, 4), (1, 0, 4, 4), (10, 10, 4, 4), (0, 4, 4, 4)]
    score = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    assert apart(boxes, score, 3).tolist() == [0, 3, 4]
    # fewer separate places than elites: the best of the rest fill them
    assert apart(boxes, score, 4).tolist() == [0, 3, 4, 1]
    assert overlap((0, 0, 4, 4), (3, 3, 4, 4)) and not overlap((0, 0, 4, 4), (0, 4, 4, 4))


def test_slid_keeps_the_pixels_where_they_are_in_the_image() -> None:
    content = np.arange(16.0).reshape(4, 4, 1) + 2.0
    rng = np.random.default_rng(0)
    right = slid(content, 0, 1, rng)  # the box one pixel right: its column 0 was column 1
    np.testing.assert_array_equal(right[:, :3], content[:, 1:])
    assert set(np.unique(right[:, 3])) <= {0.0, 1.0}
    up_left = slid(content, -1, -1, rng)
    np.testing.assert_array_equal(up_left[1:, 1:], content[:3, :3])
    assert set(np.unique(up_left[0])) <= {0.0, 1.0} and set(np.unique(up_left[:, 0])) <= {0, 1}


def _found(seeds: range) -> list[int | None]:
    """The side of the smallest patch found for the target in each seed's scan (None: none
    up to half the side)."""
    sizes = scan_sizes(SIDE, SIDE)
    model = TwoPeaks()
    return [
        scan_class(TARGET, _images(40, s), model, np.random.default_rng(s), sizes).size
        for s in seeds
    ]


def test_the_climb_finds_a_trigger_beside_a_stronger_natural_peak() -> None:
    """The 2x2 trigger is found (and cut to its own size) in each of six scans."""
    assert _found(range(6)) == [2] * 6


def test_without_the_separate_places_the_climb_misses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same search with its elites the top of the ranking (as before): the stroke's
    near-copies take every place, and half the same six scans find no patch."""

    def top(boxes: object, score: np.ndarray, k: int, places: object = None) -> np.ndarray:
        out: np.ndarray = np.argsort(-score, kind="stable")[:k]
        return out

    monkeypatch.setattr(modelscan, "apart", top)
    assert _found(range(6)).count(None) >= 3


def _cut_through() -> list[tuple[Box, np.ndarray]]:
    """First candidates: a box one column left of the trigger's, holding its left column in
    its own right column (the rest black), and black boxes elsewhere."""
    part = np.zeros((4, 4, 1))
    part[0:2, 3, 0] = CHECK[:, 0]
    far = [((r, c, 4, 4), np.zeros((4, 4, 1))) for r, c in ((10, 10), (20, 4), (16, 18))]
    return [((0, SIDE - 5, 4, 4), part), *far]


def _from_cut(seed: int) -> ClassScan:
    model = TwoPeaks()
    images = _images(40, seed)
    cands = _cut_through()

    def swept(size: int) -> tuple[list[tuple[Box, np.ndarray]], np.ndarray]:
        probs = model(np.concatenate([paste(images[:8], c, b) for b, c in cands]))
        probs = probs.reshape(len(cands), 8, -1)
        share = (probs.argmax(axis=2) == TARGET).mean(axis=1)
        return cands, share + probs[:, :, TARGET].mean(axis=1)

    return scan_class(
        TARGET, images, model, np.random.default_rng(seed), [4], swept=swept, screen=images[:8]
    )


@pytest.mark.parametrize("seed", range(3))
def test_a_box_cutting_through_the_trigger_slides_onto_it(seed: int) -> None:
    """From the box holding half the trigger, the climb's window slides one column right
    with that half kept in place, onto the whole trigger."""
    scan = _from_cut(seed)
    assert scan.size is not None and scan.rates[4] >= 0.95, scan.rates
    t, left, _, w = scan.box
    assert t == 0 and left + w == SIDE


def test_moving_the_content_with_the_box_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the slide (the content moved with the box, as before) the half found moves
    off the trigger with every move, and no size-4 patch reaches the class."""
    monkeypatch.setattr(modelscan, "slid", lambda content, dt, dl, rng: content.copy())
    for seed in range(3):
        scan = _from_cut(seed)
        assert scan.size is None and scan.rates[4] < 0.95, scan.rates
