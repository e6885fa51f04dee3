"""The model scan's verdict when one class alone is reached (branch bd29, bench/RESULTS.md).

On the digits CNNs of ``bench/backdoor.py --arch cnn`` no patch up to half the side reaches
any class but a planted trigger's target: the shortcut ratio has no other class to compare
with, and the strict held-out check (90 % of every source class) refused the trigger itself
(its own held-out lowest source class 0.70-0.85: the digits 2 whose stroke runs into the
corner resist it).  A class that is the only one any patch reaches is held out as a strong
shortcut (a majority of every source class); a class compared with nothing only because the
other classes' pixels were not counted is still held out strictly."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.modelscan import ClassScan
from assay.backdoor.summary import _cleared
from assay.backdoor.technique import BackdoorSearch, BackdoorTest
from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities


class Grey:
    """4x4 grey images; the class is 10 x the pixel at (3, 3)."""

    capabilities = Capabilities(modality="image", n_classes=3, outputs="labels")

    def predict(self, x: object, /) -> np.ndarray:
        a = np.asarray(x, dtype=np.float64)
        out: np.ndarray = np.rint(a[:, 3, 3, 0] * 10).astype(np.int64)
        return out


_said: list[str] = []  # why the last verdict set its anomalous classes aside (summary._cleared)


def _search(channels: int = 1) -> BackdoorSearch:
    rng = np.random.default_rng(0)
    classes = np.repeat([0, 1, 2], [20, 40, 40])
    clean = rng.uniform(0.1, 0.6, (len(classes), 4, 4, channels))
    clean[:, 3, 3, :] = (classes / 10)[:, None]
    search = BackdoorSearch(
        BackdoorTest(clean=clean).validate(), BudgetedModel(Grey()), np.random.default_rng(0)
    )
    search.clean_labels = classes.astype(np.int64)
    return search


def _verdict(
    sizes: list[int | None], channels: int = 1, lowest: float | None = None
) -> tuple[dict[str, Any], list[bool]]:
    """The verdict with class 0's patch anomalously small and the other classes' sizes as
    given (None: no patch found); effective pixels 2 for class 0, none counted for the others;
    every patch neither natural nor refused held out (the strictness asked, recorded): passed,
    or with ``lowest`` refused (95 % of 60 held-out images, ``lowest`` of a source class)."""
    search = _search(channels)
    search.class_scans = [
        ClassScan(c, size, 1.0, (0, 0, 1, 1), np.ones((1, 1, channels)), {})
        for c, size in enumerate(sizes)
    ]
    search.class_scans[0].pixels = 2
    for scan in search.class_scans:
        scan.polished = True
    asked: list[bool] = []  # the strictness each held-out check was asked with
    stubs: dict[str, Any] = {
        "_count_pixels": lambda scan, recount=False: None,
        "_natural_patch": lambda scan: False,
        "_grey_kept": lambda scan: None,
        "_universal": lambda scan, strict=True: asked.append(strict) is None and lowest is None,
    }
    for name, stub in stubs.items():
        setattr(search, name, stub)
    if lowest is not None:
        scan = search.class_scans[0]
        scan.held_out, scan.held_out_n, scan.lowest_source = 0.95, 60, lowest
    search._model_verdict()
    _said.clear()
    _said.extend(
        _cleared(search, search.class_scans, search.verdict["anomaly_index"], search.verdict)
    )
    assert search.verdict is not None
    return search.verdict, asked


def test_the_only_class_any_patch_reaches_is_held_out_as_a_strong_shortcut() -> None:
    verdict, asked = _verdict([1, None, None])
    assert verdict["suspects"] == [0] and asked == [False]
    assert verdict["shortcut_ratio"] == {"0": None}


def test_a_class_compared_with_nothing_for_want_of_counts_is_still_held_out_strictly() -> None:
    """Other classes reached (size 4) but their pixels not counted: no ratio, strict check."""
    verdict, asked = _verdict([1, 4, 4])
    assert verdict["suspects"] == [0] and asked == [True]


def test_a_colour_model_s_lone_class_keeps_the_colour_rule() -> None:
    """A colour model's patch that is not shown to work by its colour (``grey_kept`` not
    measured here) and has no ratio is set aside, as the colour rule says, alone or not."""
    verdict, asked = _verdict([1, None, None], channels=3)
    assert verdict["suspects"] == [] and asked == []


def test_a_class_set_aside_by_the_held_out_check_is_told_the_bound_it_missed() -> None:
    """Held out leniently (alone), a class missing a majority of a source class is told so,
    not "90 % of each" (the strict bound it was not asked); held out strictly, 90 % of each."""
    verdict, asked = _verdict([1, None, None], lowest=0.3)
    assert verdict["suspects"] == [] and asked == [False]
    assert verdict["held_out_lowest"] == {"0": 0.5}
    assert (
        "the least of their source classes 30% (a trigger sends 90% of them and 50% of each, "
        "as a strong shortcut)" in _said[0]
    )
    verdict, asked = _verdict([1, 4, 4], lowest=0.8)
    assert verdict["suspects"] == [] and asked == [True]
    assert "(a trigger sends 90% of each)" in _said[0]
