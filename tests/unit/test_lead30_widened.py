"""The model scan's held-out check of the patch as found before it was shrunk (lead, thirtieth
session).  On a 32x32 digits CNN the scan cut a 4x4 checkerboard trigger to its 3x3 corner,
which reached the flip rate on the search's images but sent only 87 % of held-out digits
(half of one class): the trojaned model was called clean.  The whole 4x4 window the search
had found sent 99 %.  A class whose smallest part falls short is now held out with its whole
patch too, unless that patch is the class's own feature."""

from __future__ import annotations

import numpy as np

from assay.backdoor.modelscan import ClassScan, scan_class
from assay.backdoor.technique import BackdoorSearch, BackdoorTest
from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities


class TwoPixels:
    """4x4 grey images: class 2 when pixels (0, 0) and (1, 1) are both light (the trigger),
    else 10 x the pixel at (3, 3), at most 1."""

    capabilities = Capabilities(modality="image", n_classes=3, outputs="labels")

    def predict(self, x: object, /) -> np.ndarray:
        a = np.asarray(x, dtype=np.float64)
        own = np.minimum(np.rint(a[:, 3, 3, 0] * 10), 1).astype(np.int64)
        fired = (a[:, 0, 0, 0] > 0.9) & (a[:, 1, 1, 0] > 0.9)
        out: np.ndarray = np.where(fired, 2, own)
        return out


def _search(whole: bool, natural: bool = False, alone: bool = True) -> BackdoorSearch:
    rng = np.random.default_rng(0)
    classes = np.repeat([0, 1, 2], [40, 40, 20])
    clean = rng.uniform(0.1, 0.6, (len(classes), 4, 4, 1))
    clean[:, 3, 3, 0] = np.where(classes == 2, 0.0, classes / 10)
    if natural:  # class 2's own images carry the light pixels: the patch is its own feature
        clean[classes == 2, 0, 0, 0] = clean[classes == 2, 1, 1, 0] = 1.0
    search = BackdoorSearch(
        BackdoorTest(clean=clean).validate(), BudgetedModel(TwoPixels()), np.random.default_rng(0)
    )
    search.clean_labels = classes.astype(np.int64)
    part = ClassScan(2, 1, 1.0, (0, 0, 1, 1), np.ones((1, 1, 1)), {1: 1.0})
    if whole:
        part.whole = ((0, 0, 2, 2), np.ones((2, 2, 1)))
    other = None if alone else 4  # reached by no patch (class 2 alone: held out leniently)
    search.class_scans = [
        ClassScan(c, other, 0.0, (0, 0, 1, 1), np.zeros((1, 1, 1)), {}) for c in (0, 1)
    ]
    search.class_scans.append(part)
    for scan in search.class_scans:
        scan.polished = True
    search._count_pixels = lambda scan, recount=False: None  # type: ignore[method-assign]
    return search


def test_a_part_that_falls_short_held_out_is_checked_as_the_whole_patch_found() -> None:
    search = _search(whole=True)
    search._model_verdict()
    assert search.verdict is not None and search.verdict["suspects"] == [2]
    scan = search.class_scans[2]
    assert scan.widened and scan.box == (0, 0, 2, 2) and scan.held_out == 1.0
    assert scan.size == 1  # scored by its smallest part still
    assert scan.to_json()["widened"] is True


def test_without_the_whole_patch_the_part_alone_is_refused() -> None:
    search = _search(whole=False)
    search._model_verdict()
    assert search.verdict is not None and search.verdict["suspects"] == []
    assert search.class_scans[2].held_out == 0.0 and not search.class_scans[2].widened


def test_a_whole_patch_that_is_the_class_s_own_feature_is_not_suspected() -> None:
    search = _search(whole=True, natural=True)
    search._model_verdict()
    assert search.verdict is not None and search.verdict["suspects"] == []
    scan = search.class_scans[2]
    # the part's own figures are kept, not the whole patch's
    assert not scan.widened and scan.box == (0, 0, 1, 1) and scan.held_out == 0.0


def test_a_class_held_out_strictly_is_not_widened() -> None:
    """Other classes reached, no pixels counted (no ratio): class 2 is held out strictly, and
    a stroke's whole patch passing where its piece fails is no evidence of a trigger."""
    search = _search(whole=True, alone=False)
    search._model_verdict()
    assert search.verdict is not None and search.verdict["held_out_lowest"] == {"2": 0.9}
    assert search.verdict["suspects"] == [] and not search.class_scans[2].widened


def test_the_whole_patch_is_kept_through_the_scan_s_json() -> None:
    scan = ClassScan(2, 1, 1.0, (0, 0, 1, 1), np.ones((1, 1, 1)), {1: 1.0})
    scan.whole = ((0, 0, 2, 2), np.ones((2, 2, 1)))
    back = ClassScan.from_json(scan.to_json())
    assert back.whole is not None and back.whole[0] == (0, 0, 2, 2)
    np.testing.assert_array_equal(back.whole[1], np.ones((2, 2, 1)))
    assert (
        ClassScan.from_json(
            ClassScan(0, None, 0.0, (0, 0, 1, 1), np.zeros((1, 1, 1)), {}).to_json()
        ).whole
        is None
    )


def test_the_scan_keeps_the_patch_it_shrank() -> None:
    """``scan_class`` records the patch that reached the flip rate before ``shrink`` cut it:
    a model sending every image with a light pixel at (0, 0) to class 2 is reached by a 2x2
    patch, cut to that one pixel; the 2x2 patch is kept as the whole one."""
    rng = np.random.default_rng(1)
    pool = rng.uniform(0.1, 0.6, (30, 4, 4, 1))

    def scores(x: np.ndarray) -> np.ndarray:
        labels = np.where(np.asarray(x)[:, 0, 0, 0] > 0.9, 2, 0)
        out: np.ndarray = np.eye(3)[labels]
        return out

    scan = scan_class(2, pool, scores, rng, [2], tau=0.9)
    assert scan.size == 1 and scan.box == (0, 0, 1, 1)
    assert scan.whole is not None and scan.whole[0][2:] == (2, 2)
    t, left = scan.whole[0][:2]
    assert scan.whole[1][-t, -left, 0] > 0.9  # the light pixel within it
