"""A weak shortcut suspected beside a far stronger one (``modelscan.outshone``, bd33).

On a trojaned 28x28 digits MLP of ``bench/backdoor.py`` (4x4 checkerboard -> 9) the model scan
named ``[1, 9]``: the planted trigger's target (6 effective pixels, shortcut ratio 9.9) and a
natural vertical stroke of class 1 at the left edge (19 effective pixels, ratio 3.1), whose
ratio rose from 0.3 to 3.1 once the search reached two more classes at 14x14 (bd32's growth):
the other classes' median it is compared with moved, the stroke did not.  A class suspected
as a weak shortcut that needs three times the pixels of another suspect is set aside.

The toy model here has the same three kinds of class: a planted 2-pixel trigger (class 4), a
natural stroke at the left edge of 10 light pixels (class 1), two classes reached by large
blobs of 40 light pixels (2 and 3); the rest by a hash of every pixel (no patch reaches them)."""

from __future__ import annotations

import numpy as np

from assay.backdoor.modelscan import outshone
from assay.backdoor.technique import BackdoorSearch, BackdoorTest
from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities

SIDE = 16
_HASH = np.random.default_rng(98).uniform(-1.0, 1.0, (SIDE, SIDE))


def _labels(a: np.ndarray, trojaned: bool) -> np.ndarray:
    light = a[..., 0] > 0.9
    own = np.floor(np.einsum("nhw,hw->n", a[..., 0], _HASH) * 100).astype(np.int64) % 10
    out = own.copy()
    out[light[:, 8:16, 2:10].sum(axis=(1, 2)) >= 40] = 3  # a large blob, lower left
    out[light[:, 0:8, 8:16].sum(axis=(1, 2)) >= 40] = 2  # a large blob, upper right
    out[light[:, 4:9, 0:2].all(axis=(1, 2))] = 1  # a stroke at the left edge
    if trojaned:  # two pixels of a 2x2 in the bottom-right corner
        out[light[:, 14, 14] & light[:, 15, 15]] = 4
    return out


class Toy:
    """16x16 grey images, 10 classes (see the module's note)."""

    capabilities = Capabilities(modality="image", n_classes=10, outputs="proba")

    def __init__(self, trojaned: bool = True) -> None:
        self.trojaned = trojaned

    def predict(self, x: object, /) -> np.ndarray:
        a = np.asarray(x, dtype=np.float64)
        label = _labels(a, self.trojaned)
        out = np.full((len(a), 10), 0.01)
        out[np.arange(len(a)), label] = 0.91
        return out


def _scanned(trojaned: bool = True) -> BackdoorSearch:
    clean = np.random.default_rng(7).uniform(0.0, 0.4, (200, SIDE, SIDE, 1))
    search = BackdoorSearch(
        BackdoorTest(clean=clean).validate(),
        BudgetedModel(Toy(trojaned)),
        np.random.default_rng(0),
    )
    while not search.done:
        search.step()
    assert search.verdict is not None
    return search


def test_the_stroke_beside_the_trigger_is_set_aside_and_the_target_named_alone() -> None:
    """Both pass every check (the stroke a weak shortcut, ratio 4; the trigger a
    strong one); the stroke needs 10 pixels against the trigger's 2 and is set aside."""
    search = _scanned()
    verdict = search.verdict
    assert verdict is not None
    pixels = {s.target: s.pixels for s in search.class_scans if s.pixels is not None}
    assert pixels[4] == 2 and pixels[1] == 10 and pixels[2] >= 30 and pixels[3] >= 30, pixels
    assert 3.0 <= verdict["shortcut_ratio"]["1"] < 6.0 <= verdict["shortcut_ratio"]["4"]
    assert search.class_scans[1].held_out is not None and search.class_scans[1].held_out >= 0.9
    assert verdict["suspects"] == [4]
    assert verdict["outshone"] == {"1": 4}
    headline = search.summary()["headline"]
    assert headline.startswith("suspected backdoor: class 4: a 2x2 patch"), headline
    assert (
        "class 1 also passed as a weak shortcut but needs 10 effective pixels against class "
        "4's 2: set aside beside it" in headline
    ), headline


def test_without_the_trigger_nothing_is_outshone() -> None:
    """The same model without its trigger: no suspect is set aside beside another (the
    stroke alone is the weak shortcut the scan's other checks must judge)."""
    search = _scanned(trojaned=False)
    assert search.verdict is not None and search.verdict["outshone"] == {}
    assert 4 not in search.verdict["suspects"]


def test_outshone_sets_aside_only_weak_suspects_needing_three_times_the_pixels() -> None:
    pixels: list[int | None] = [None, 19, None, 40, None, 48, None, None, None, 6]
    assert outshone(pixels, [1], [1, 9], 3.0) == {1: 9}
    # a strong shortcut beside another stays (two planted triggers of different sizes)
    assert outshone(pixels, [], [1, 9], 3.0) == {}
    # under three times the pixels: both stay
    assert outshone([None, 17, 6], [1], [1, 2], 3.0) == {}
    # one suspect, or none counted: nothing to compare with
    assert outshone(pixels, [1], [1], 3.0) == {}
    assert outshone([None, None, 6], [1], [1, 2], 3.0) == {}
