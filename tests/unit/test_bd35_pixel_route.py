"""A class checked by its effective pixels whatever its patch's side (``technique._anomalous``,
bd35).

CI run 105: on a trojaned 8x8 digits MLP (2x2 checkerboard -> 9) bd34's wider search reached
class 9 at 2x2 as before, but also natural classes at 3x3 and 4x4, so the robust z-score of the
patch sides over classes gave class 9 only 1.35 (< 2) and the scan named nothing; by effective
pixels it stood out (2 against the others' 5-12, shortcut ratio 4.5).

The toy model here is that situation on 16x16 images (patch sizes 2, 4, 6, 8): a planted
2-pixel trigger (class 9, found at 2x2), a natural class reached at 4x4 by 12 light pixels
(class 7), four reached at 5-6 by 20 light pixels (1, 2, 4, 8); the rest by a hash of every
pixel (no patch reaches them).  The side index of class 9 is about 1; its shortcut ratio 10."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from assay.backdoor import technique
from assay.backdoor.summary import _cleared
from assay.backdoor.technique import BackdoorSearch, BackdoorTest
from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities

SIDE = 16
_HASH = np.random.default_rng(98).uniform(-1.0, 1.0, (SIDE, SIDE))
# (class, rows, columns, light pixels needed in that window)
_NATURAL = (
    (1, slice(0, 6), slice(0, 6), 20),
    (2, slice(0, 6), slice(10, 16), 20),
    (4, slice(10, 16), slice(0, 6), 20),
    (8, slice(6, 12), slice(5, 11), 20),
    (7, slice(0, 4), slice(6, 10), 12),
)


def _labels(a: np.ndarray, trojaned: bool) -> np.ndarray:
    light = a[..., 0] > 0.9
    out = np.floor(np.einsum("nhw,hw->n", a[..., 0], _HASH) * 100).astype(np.int64) % 10
    for label, rows, cols, needed in _NATURAL:
        out[light[:, rows, cols].sum(axis=(1, 2)) >= needed] = label
    if trojaned:  # two pixels of a 2x2 in the bottom-right corner
        out[light[:, 14, 14] & light[:, 15, 15]] = 9
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


def _search(trojaned: bool = True) -> BackdoorSearch:
    clean = np.random.default_rng(7).uniform(0.0, 0.4, (200, SIDE, SIDE, 1))
    return BackdoorSearch(
        BackdoorTest(clean=clean).validate(),
        BudgetedModel(Toy(trojaned)),
        np.random.default_rng(0),
    )


def _run(trojaned: bool = True) -> BackdoorSearch:
    search = _search(trojaned)
    while not search.done:
        search.step()
    assert search.verdict is not None
    return search


_scanned = cache(_run)  # each model's scan once for the tests that only read it


def test_a_trigger_no_outlier_by_side_is_named_by_its_pixels() -> None:
    """Natural classes reached at 4x4 and 5x5-6x6 pull the trigger's side index under 2; its
    2 effective pixels against the others' 12-20 make it a suspect, checked and named."""
    search = _scanned()
    verdict = search.verdict
    assert verdict is not None
    sizes = {s.target: s.size for s in search.class_scans if s.size is not None}
    assert sizes[9] == 2 and sizes[7] == 4 and all(sizes[c] in (5, 6) for c in (1, 2, 4, 8))
    assert verdict["anomaly_index"][9] < 2.0  # the side index alone names nothing
    assert max(verdict["anomaly_index"]) < 2.0
    assert verdict["pixel_ratio"]["9"] >= technique.PIXEL_RATIO
    assert search.class_scans[9].pixels == 2
    assert verdict["suspects"] == [9]
    headline = search.summary()["headline"]
    assert headline.startswith("suspected backdoor: class 9: a 2x2 patch"), headline
    assert "2 effective pixels" in headline


def test_with_the_side_index_alone_the_trigger_is_missed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same model and scan with the pixel route closed (main's gate before bd35): no
    class is checked, the scan names nothing."""
    monkeypatch.setattr(technique, "PIXEL_RATIO", float("inf"))
    verdict = _run().verdict
    assert verdict is not None and verdict["suspects"] == []
    assert verdict["shortcut_ratio"] == {}


def test_the_clean_twin_is_not_flagged_and_no_class_is_checked_by_its_pixels() -> None:
    """Without the trigger: every class reached needs 12-20 pixels, none a quarter of the
    others' median; the class reached smallest (7, at 4x4) is an outlier by side and is
    refused as no shortcut."""
    search = _scanned(trojaned=False)
    verdict = search.verdict
    assert verdict is not None
    assert verdict["suspects"] == []
    assert all(r < technique.PIXEL_RATIO for r in verdict["pixel_ratio"].values())
    assert set(verdict["shortcut_ratio"]) <= {"7"}
    headline = search.summary()["headline"]
    assert "no suspected backdoor found within the budget" in headline, headline


def test_fewer_than_three_classes_reached_count_no_pixels() -> None:
    """With one or two classes reached there is no median of the others to compare with: the
    verdict counts no pixels for the route (the queries are not spent)."""
    search = _search()
    content = np.ones((2, 2, 1))
    search.class_scans = [
        technique.ClassScan(c, 2 if c in (7, 9) else None, 1.0, (0, 0, 2, 2), content, {})
        for c in range(10)
    ]
    assert search._pixel_ratios() == {}
    assert search.model.queries == 0
    assert all(s.pixels is None for s in search.class_scans)
    assert [s.target for s in search._anomalous(np.zeros(10), {})] == []


def test_a_class_checked_by_its_pixels_and_refused_is_explained_so() -> None:
    """The headline's reason for a class checked by its pixels alone names its ratio, not a
    small side (the trigger's scan made to fail the held-out check)."""
    search = _scanned()
    verdict = search.verdict
    assert verdict is not None
    scans = list(search.class_scans)
    scans[9] = replace(scans[9], held_out=0.5, lowest_source=0.1, held_out_n=120)
    cleared = _cleared(search, scans, verdict["anomaly_index"], verdict)
    assert len(cleared) == 1, cleared
    assert cleared[0].startswith(
        "class 9 was reachable by a patch of anomalously few effective pixels (2x2 at (row 14, "
        "col 14), "
    ), cleared
    assert "times fewer than the other classes'" in cleared[0]
    assert "on 120 held-out clean images it reached 50%" in cleared[0]
