"""The model scan's growth of its best small patch into the larger sizes (``grow.grown``,
bd32).  On a 32x32 digits CNN a 4x4 solid white trigger in the corner was found exactly at
size 4 but sent only 35 of the search's 40 images (the digits '2' running into its corner
weakened it), below the flip rate of 0.95; no larger size's random contents held it, and the
trojaned model was called clean.  The same square with a black margin sent them all.  The
toy models here fire only when the pixels beside the square are dark, as that CNN did."""

from __future__ import annotations

import numpy as np
import pytest

from assay.backdoor import modelscan
from assay.backdoor.grow import grown
from assay.backdoor.modelscan import scan_class, scan_sizes
from assay.backdoor.technique import BackdoorSearch, BackdoorTest
from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities

SIDE = 16
TRIGGER = (12, 12, 4, 4)  # a 4x4 white square in the bottom-right corner -> class 4
TARGET = 4
_HASH = np.random.default_rng(99).uniform(-1.0, 1.0, (SIDE, SIDE))


def _fired(x: np.ndarray) -> np.ndarray:
    """The square white and the pixels beside it inside the image (row 11, column 11) dark."""
    t, left, h, w = TRIGGER
    square = np.all(x[:, t : t + h, left : left + w, 0] > 0.9, axis=(1, 2))
    row = x[:, t - 1, left - 1 : left + w, 0].max(axis=1)
    column = x[:, t - 1 : t + h, left - 1, 0].max(axis=1)
    ring = np.maximum(row, column)
    out: np.ndarray = square & (ring < 0.5)
    return out


class CornerSquare:
    """16x16 grey images, 10 classes: class 4 when ``_fired``, else a class read from a hash
    of every pixel (so that no other patch sends many images to any one class, as no patch up
    to half the side reached any class of the clean 32x32 CNNs)."""

    capabilities = Capabilities(modality="image", n_classes=10, outputs="proba")

    def predict(self, x: object, /) -> np.ndarray:
        a = np.asarray(x, dtype=np.float64)
        own = np.floor(np.einsum("nhw,hw->n", a[..., 0], _HASH) * 100).astype(np.int64) % 10
        label = np.where(_fired(a), TARGET, own)
        out = np.full((len(a), 10), 0.01)
        out[np.arange(len(a)), label] = 0.91
        return out


def _images(n: int, seed: int, beside: float = 0.3) -> np.ndarray:
    """Faint noise; in a share ``beside`` of the images one light pixel beside the square
    (where a digit's stroke runs into the corner), which the trigger then does not fire on."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 0.4, (n, SIDE, SIDE, 1))
    t, left, h, w = TRIGGER
    ring = [(t - 1, left - 1 + k) for k in range(w + 1)] + [(t + k, left - 1) for k in range(h)]
    for i in np.flatnonzero(rng.random(n) < beside):
        y, c = ring[int(rng.integers(len(ring)))]
        x[i, y, c, 0] = 1.0
    return x


def _scores(x: np.ndarray) -> np.ndarray:
    return CornerSquare().predict(x)


def test_grown_places_the_patch_where_it_is_with_a_black_or_white_margin() -> None:
    content = np.arange(4.0).reshape(2, 2, 1) / 4
    out = grown((5, 6, 2, 2), content, 4, 16, 16)
    assert len(out) == 18  # 3 x 3 boxes x 2 fills
    for (top, left, h, w), c in out:
        assert (h, w) == (4, 4) and c.shape == (4, 4, 1)
        assert top <= 5 < 5 + 2 <= top + 4 and left <= 6 < 6 + 2 <= left + 4
        np.testing.assert_array_equal(c[5 - top : 7 - top, 6 - left : 8 - left], content)
        margin = np.ones((4, 4), dtype=bool)
        margin[5 - top : 7 - top, 6 - left : 8 - left] = False
        assert len(np.unique(c[margin, 0])) == 1 and c[margin, 0][0] in (0.0, 1.0)
    # in the image's corner only one box holds it
    corner = grown(TRIGGER, np.ones((4, 4, 1)), 6, SIDE, SIDE)
    assert [b for b, _ in corner] == [(10, 10, 6, 6)] * 2
    assert grown(TRIGGER, np.ones((4, 4, 1)), 4, SIDE, SIDE) == []
    assert grown(TRIGGER, np.ones((4, 4, 1)), 17, SIDE, SIDE) == []


def test_the_pool_s_rate_of_the_trigger_alone_falls_short() -> None:
    """The set-up: the trigger itself sends about 70 % of the images, a black margin all."""
    x = _images(40, 1)
    alone = x.copy()
    alone[:, 12:, 12:] = 1.0
    framed = x.copy()
    framed[:, 10:, 10:] = 0.0
    framed[:, 12:, 12:] = 1.0
    assert 0.5 <= _fired(alone).mean() < 0.9 and _fired(framed).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_trigger_weakened_by_the_strokes_beside_it_is_found_in_a_larger_size(seed: int) -> None:
    """Found at size 4 (the square itself, short of 0.95), grown into size 6 with a margin
    that masks the strokes, reaching them all, and cut back to 5x5; without the growth no size
    reaches the class."""
    images = _images(40, seed)
    sizes = scan_sizes(SIDE, SIDE)
    scan = scan_class(TARGET, images, _scores, np.random.default_rng(seed), sizes)
    assert scan.size is not None and scan.size <= 6, scan.rates
    t, left, h, w = scan.box
    assert t <= 12 and left <= 12 and t + h == left + w == SIDE
    assert scan.flip_rate >= 0.95


def test_without_the_growth_the_same_search_finds_no_patch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modelscan, "GROW_FROM", 2.0)
    images = _images(40, 0)
    scan = scan_class(TARGET, images, _scores, np.random.default_rng(0), scan_sizes(SIDE, SIDE))
    assert scan.size is None and 0.5 <= scan.rates[4] < 0.95


def test_the_model_scan_names_the_target_of_a_trigger_weakened_beside_it() -> None:
    """The whole model scan (every class, the shared sweep, the checks) names class 4; with
    the patch checked held out it sends nearly every clean image there."""
    clean = _images(200, 7)
    search = BackdoorSearch(
        BackdoorTest(clean=clean).validate(),
        BudgetedModel(CornerSquare()),
        np.random.default_rng(0),
    )
    while not search.done:
        search.step()
    assert search.verdict is not None and search.verdict["suspects"] == [TARGET]
    scan = search.class_scans[TARGET]
    assert scan.held_out is not None and scan.held_out >= 0.9
    assert all(s.size is None for s in search.class_scans if s.target != TARGET)
