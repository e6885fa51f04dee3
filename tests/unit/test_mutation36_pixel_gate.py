"""The model scan's gate by effective pixels (bd35: ``technique._anomalous``,
``_pixel_ratios``, ``summary._cleared``) at its edges, as mutation36 found them untested:
``PIXEL_RATIO`` sits above every clean model's class measured (3.7) and a ratio of exactly
4 opens it; an index exactly at the threshold is anomalous; three classes reached are
enough to compare pixels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.backdoor import technique
from assay.backdoor.summary import _cleared
from assay.backdoor.technique import BackdoorSearch, BackdoorTest, ClassScan
from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities


class _Flat:
    capabilities = Capabilities(modality="image", n_classes=10, outputs="proba")

    def predict(self, x: object, /) -> np.ndarray:
        return np.full((len(np.asarray(x)), 10), 0.1)


def _search(reached: dict[int, int]) -> BackdoorSearch:
    """A search whose class scans are set by hand: ``reached`` {class: patch side}."""
    clean = np.random.default_rng(1).uniform(0.0, 0.4, (40, 8, 8, 1))
    search = BackdoorSearch(
        BackdoorTest(clean=clean).validate(), BudgetedModel(_Flat()), np.random.default_rng(0)
    )
    content = np.ones((2, 2, 1))
    search.class_scans = [
        ClassScan(c, reached.get(c), 1.0, (0, 0, 2, 2), content, {}) for c in range(10)
    ]
    return search


def _targets(scans: list[ClassScan]) -> list[int]:
    return [s.target for s in scans]


def test_a_ratio_of_four_opens_the_pixel_route_and_a_clean_models_3_7_does_not() -> None:
    """bd35's measure: clean 8x8 models' classes reached ratios up to 3.7; PIXEL_RATIO is 4
    ("at least": a class needing exactly four times fewer pixels is checked)."""
    search = _search({c: 3 for c in range(10)})
    index = np.zeros(10)
    assert technique.PIXEL_RATIO == 4.0
    assert _targets(search._anomalous(index, {3: 3.7, 5: 4.0, 6: 3.99})) == [5]


def test_an_index_exactly_at_the_threshold_is_anomalous() -> None:
    search = _search({c: 3 for c in range(10)})
    index = np.zeros(10)
    index[1] = search.test.anomaly_threshold
    index[2] = search.test.anomaly_threshold - 1e-9
    assert _targets(search._anomalous(index, {})) == [1]


def test_three_classes_reached_are_enough_to_compare_pixels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``PIXEL_CLASSES`` is 3: the class itself and two others (a median of two); with
    the effective pixels counted as 2, 10 and 12, class 9's ratio is 11 / 2."""
    search = _search({9: 2, 4: 4, 7: 5})
    pixels = {9: 2, 4: 10, 7: 12}

    def count(scan: ClassScan, recount: bool = False) -> None:
        scan.pixels = pixels.get(scan.target)

    monkeypatch.setattr(search, "_count_pixels", count)
    ratios = search._pixel_ratios()
    assert ratios == pytest.approx({9: 5.5, 4: 0.7, 7: 0.5})


def test_a_class_at_exactly_the_pixel_ratio_is_explained_by_its_pixels() -> None:
    """``_cleared``'s reason for a class checked by its pixels (index under the threshold,
    ratio exactly ``PIXEL_RATIO``): it was checked, so its refusal is said."""
    search = _search({c: 3 for c in range(10)})
    scans: list[Any] = list(search.class_scans)
    scans[5].held_out, scans[5].held_out_n, scans[5].lowest_source = 0.4, 100, 0.1
    verdict = {"pixel_ratio": {"5": 4.0, "3": 3.9}, "shortcut_ratio": {"5": 4.0}}
    cleared = _cleared(search, scans, [0.0] * 10, verdict)
    assert len(cleared) == 1 and cleared[0].startswith(
        "class 5 was reachable by a patch of anomalously few effective pixels"
    ), cleared
    assert "4.0 times fewer" in cleared[0]


def test_the_scan_table_gives_each_class_its_effective_pixels() -> None:
    """The summary's model-scan table has the effective pixels the verdict compared (the
    trigger's 2 beside the natural classes' many), per class."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_bd35_pixel_route import _scanned  # isort: skip

    search = _scanned()
    section = next(
        s
        for s in search.summary()["sections"]
        if s.get("title") == "Model scan (clean images only)"
    )
    columns = section["table"]["columns"]
    by_class = {
        str(row[columns.index("class")]): row[columns.index("effective pixels")]
        for row in section["table"]["rows"]
    }
    assert by_class["9"] == 2, by_class
    assert by_class == {str(s.target): s.pixels for s in search.class_scans}


def test_boxes_that_only_touch_are_separate_places() -> None:
    """``niches.overlap``: boxes side by side (or corner to corner) share no pixel, so the
    climb's elites may sit at both; one pixel shared is one place."""
    from assay.backdoor.niches import apart, overlap

    for a, b in [((0, 0, 2, 2), (0, 2, 2, 2)), ((0, 0, 2, 2), (2, 0, 2, 2))]:
        assert not overlap(a, b) and not overlap(b, a)  # (side by side, above and below)
    assert not overlap((0, 0, 2, 2), (2, 2, 2, 2)) and not overlap((2, 2, 2, 2), (0, 0, 2, 2))
    assert overlap((0, 0, 2, 2), (1, 1, 2, 2)) and overlap((1, 1, 2, 2), (0, 0, 2, 2))
    boxes = [(0, 0, 2, 2), (0, 2, 2, 2), (1, 1, 2, 2)]
    assert apart(boxes, np.asarray([3.0, 2.0, 1.0]), 2, 2).tolist() == [0, 1]


def test_apart_takes_only_its_places_apart_and_the_rest_by_score() -> None:
    """``places`` of the ``k`` elites at separate places, the rest the best left (the climb
    deepens at the best place): with one place, the second elite is the best one's
    near-copy, not the far box."""
    from assay.backdoor.niches import apart

    boxes = [(0, 0, 2, 2), (0, 1, 2, 2), (5, 5, 2, 2)]
    assert apart(boxes, np.asarray([3.0, 2.0, 1.0]), 2, 1).tolist() == [0, 1]
    assert apart(boxes, np.asarray([3.0, 2.0, 1.0]), 2, None).tolist() == [0, 2]
