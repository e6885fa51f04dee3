"""mutation32: the model scan's ``widened`` rule (lead, thirtieth session) against the mutants
``tests/unit/test_lead30_widened.py`` let live (bench/RESULTS.md, mutation32's table): the whole
patch is held out leniently (a majority of every source class, not near-all), the part's own
natural-feature figure is kept when the whole patch is refused, a patch ``shrink`` could not
cut keeps no whole one, and a widened scan stays widened through its JSON (a resumed scan)."""

from __future__ import annotations

import numpy as np

from assay.backdoor.modelscan import ClassScan, scan_class
from assay.backdoor.technique import HELD_OUT_LOWEST, HELD_OUT_RATE, BackdoorSearch, BackdoorTest
from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities


class LeakyTrigger:
    """4x4 grey images: class 2 when pixels (0, 0) and (1, 1) are both light (the trigger),
    unless pixel (2, 2) is dark (those images resist it); else 10 x the pixel at (3, 3)."""

    capabilities = Capabilities(modality="image", n_classes=3, outputs="labels")

    def predict(self, x: object, /) -> np.ndarray:
        a = np.asarray(x, dtype=np.float64)
        own = np.minimum(np.rint(a[:, 3, 3, 0] * 10), 1).astype(np.int64)
        fired = (a[:, 0, 0, 0] > 0.9) & (a[:, 1, 1, 0] > 0.9) & (a[:, 2, 2, 0] > 0.05)
        out: np.ndarray = np.where(fired, 2, own)
        return out


def _search(natural: bool = False) -> BackdoorSearch:
    """Class 2 alone reached (held out leniently), by a 1x1 part cut from a 2x2 whole patch;
    a third of class 1's images resist the trigger; ``natural``: class 2's own images carry
    the light pixels (the whole patch is its own feature)."""
    rng = np.random.default_rng(0)
    classes = np.repeat([0, 1, 2], [150, 30, 20])
    clean = rng.uniform(0.1, 0.6, (len(classes), 4, 4, 1))
    clean[:, 3, 3, 0] = np.where(classes == 2, 0.0, classes / 10)
    ones = np.flatnonzero(classes == 1)
    clean[ones[::3], 2, 2, 0] = 0.0
    if natural:
        clean[classes == 2, 0, 0, 0] = clean[classes == 2, 1, 1, 0] = 1.0
    model = BudgetedModel(LeakyTrigger())
    search = BackdoorSearch(BackdoorTest(clean=clean).validate(), model, np.random.default_rng(0))
    search.clean_labels = classes.astype(np.int64)
    part = ClassScan(2, 1, 1.0, (0, 0, 1, 1), np.ones((1, 1, 1)), {1: 1.0})
    part.whole = ((0, 0, 2, 2), np.ones((2, 2, 1)))
    search.class_scans = [
        ClassScan(c, None, 0.0, (0, 0, 1, 1), np.zeros((1, 1, 1)), {}) for c in (0, 1)
    ]
    search.class_scans.append(part)
    for scan in search.class_scans:
        scan.polished = True
    search._count_pixels = lambda scan, recount=False: None  # type: ignore[method-assign]
    return search


def test_the_whole_patch_is_held_out_leniently() -> None:
    """The whole patch sends near-all held-out images and a majority (not near-all) of class
    1's: a lone class passes so (mutant W4: the whole patch held out strictly)."""
    search = _search()
    search._model_verdict()
    scan = search.class_scans[2]
    assert scan.held_out is not None and scan.held_out >= HELD_OUT_RATE
    assert scan.lowest_source is not None
    assert HELD_OUT_LOWEST <= scan.lowest_source < HELD_OUT_RATE  # the set-up's point
    assert search.verdict is not None and search.verdict["suspects"] == [2]
    assert scan.widened and scan.box == (0, 0, 2, 2)


def test_a_refused_whole_patch_leaves_the_part_s_natural_figure() -> None:
    """The whole patch is class 2's own feature (its own pixels there send every image): the
    scan keeps the part's natural-feature figure (0: no image sent by the class's own pixel
    at (0, 0)), not the whole patch's (1.0) (mutant W5: ``natural`` not put back)."""
    search = _search(natural=True)
    search._model_verdict()
    scan = search.class_scans[2]
    assert search.verdict is not None and search.verdict["suspects"] == []
    assert not scan.widened and scan.box == (0, 0, 1, 1)
    assert scan.natural == 0.0
    assert scan.to_json()["natural"] == 0.0


def test_a_patch_shrink_cannot_cut_keeps_no_whole_patch() -> None:
    """A model sending an image to class 2 only with a light 2x2 block at (0, 0): the 2x2
    patch found is its smallest part, so no whole patch is kept (mutant W8: kept always, the
    held-out check then asked the same patch twice)."""
    rng = np.random.default_rng(1)
    pool = rng.uniform(0.1, 0.6, (30, 4, 4, 1))

    def scores(x: np.ndarray) -> np.ndarray:
        a = np.asarray(x)
        labels = np.where((a[:, :2, :2, 0] > 0.9).all(axis=(1, 2)), 2, 0)
        out: np.ndarray = np.eye(3)[labels]
        return out

    scan = scan_class(2, pool, scores, rng, [2], tau=0.9)
    assert scan.size == 2 and scan.box == (0, 0, 2, 2)
    assert scan.whole is None
    assert scan.to_json()["whole_box"] is None


def test_a_widened_scan_stays_widened_through_its_json() -> None:
    """A resumed scan reads its classes from their JSON: the widened flag comes back (mutant
    W10: read as False)."""
    scan = ClassScan(2, 1, 1.0, (0, 0, 2, 2), np.ones((2, 2, 1)), {1: 1.0})
    scan.whole = ((0, 0, 2, 2), np.ones((2, 2, 1)))
    scan.widened = True
    back = ClassScan.from_json(scan.to_json())
    assert back.widened is True
    plain = ClassScan(2, 1, 1.0, (0, 0, 1, 1), np.ones((1, 1, 1)), {1: 1.0})
    assert ClassScan.from_json(plain.to_json()).widened is False
