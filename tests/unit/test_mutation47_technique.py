"""mutation47: the backdoor technique's wiring of the forty-fifth session's checks, each
assertion a surviving mutant's: the clean images refilled for the source-class check's rule
(each from the other clean images, never itself; its 5 nearest; the model's answer), the
rule's refills handed to the check, the counted odds stored beside each check's ``t`` bound,
the clean images' names for its skipped groups, and the cost read with the clean classes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import assay.backdoor.technique as technique
from assay.backdoor.api import setup_backdoor
from assay.backdoor.technique import BackdoorSearch
from assay.core.budget import BudgetedModel

BOX = (2, 2, 2, 2)


def _model(x: np.ndarray) -> np.ndarray:
    """Class 1 when the window at rows and columns 2-3 is brighter than 0.15 on average."""
    x = np.asarray(x, dtype=np.float64).reshape(len(x), 8, 8)
    fired = x[:, 2:4, 2:4].mean(axis=(1, 2)) > 0.15
    return np.stack([~fired, fired], axis=1).astype(np.float64)


def _search(clean: np.ndarray, names: list[str] | None = None) -> BackdoorSearch:
    images = clean[:4].copy()
    images[:, 0:2, 0:2] = 1.0  # (scanned images spanning the range)
    setup = setup_backdoor(_model, images=images, clean=clean, n_classes=2, value_range="0,1")
    test = setup.test
    if names is not None:
        test.clean_names = names
    search = BackdoorSearch(test, BudgetedModel(setup.model), np.random.default_rng(0))
    search.clean_labels = _model(test.clean).argmax(axis=1)
    assert test.images is not None
    search.image_labels = _model(test.images).argmax(axis=1)
    search.second = {}
    search.windows = {0: [(BOX, 0)]}
    return search


def _clean(featured: list[int], n: int = 12) -> np.ndarray:
    x = np.zeros((n, 8, 8))
    x[:, 6:8, :] = np.linspace(0.0, 0.2, n)[:, None, None]  # (each image's own content)
    x[featured, 2:4, 2:4] = 1.0
    return x


def test_a_clean_image_is_refilled_from_the_others_never_itself() -> None:
    # image 0 alone is bright in the window: refilled from the other 11 (all dark there) it
    # is answered 0; were it among its own references (nearest to itself), 1
    search = _search(_clean([0]))
    assert search._clean_refills(np.array([0, 6]), BOX).tolist() == [0, 0]
    assert search._clean_refills(np.array([], dtype=np.int64), BOX).tolist() == []


def test_a_refill_is_the_patch_scans_refill_from_the_other_clean_images() -> None:
    # as the patch scan refills a scanned image's window (``inputscan._refill_all``, its
    # default fills), from the clean images other than itself; the model's answer to it
    import inspect

    from assay.backdoor.inputscan import _refill_all, assay_scan

    fills = inspect.signature(assay_scan).parameters["fills"].default
    rng = np.random.default_rng(3)
    clean = rng.uniform(0.0, 0.3, (12, 8, 8))
    clean[[2, 5, 9], 1:5, 1:5] = rng.uniform(0.2, 1.0, (3, 4, 4))
    search = _search(clean)
    x = search.test.clean
    idx = np.arange(12)
    want = [
        int(_model(_refill_all(x[i], [BOX], np.delete(x, i, axis=0), fills)).argmax(axis=1)[0])
        for i in idx
    ]
    assert 0 < sum(want) < 12, want  # (some refills answered 1, some 0)
    assert search._clean_refills(idx, BOX).tolist() == want


class _Captured:
    def __init__(self, record: dict[str, Any]) -> None:
        self.record, self.args = record, ()
        self.kwargs: dict[str, Any] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.args, self.kwargs = args, kwargs
        return self.record


def _source_record() -> dict[str, Any]:
    return {
        "given": False,
        "groups": [
            {"sent": 9, "controls": [0] * 8, "odds": 0.5, "own": 0},
            {"own": 3, "held_by": [5, 6, 7]},
        ],
        "group": None,
        "flagged": [],
        "queries": 0,
    }


def test_the_source_class_check_gets_the_rules_refills_and_its_records_odds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = [f"c{i}.png" for i in range(12)]
    search = _search(_clean([0]), names)
    fake = _Captured(_source_record())
    costs: list[Any] = []
    shapes: list[Any] = []

    def cost(left: Any, labels: Any, windows: Any, clean_labels: Any, shape: Any) -> int:
        costs.append(clean_labels)
        shapes.append(shape)  # (an image's: scan50b's rule for scattered groups)
        return 0

    monkeypatch.setattr(technique, "source_class", fake)
    monkeypatch.setattr(technique, "most_source_queries", cost)
    assert search._source_class([0]) == []
    assert fake.kwargs["refills"] == search._clean_refills
    assert len(costs[0]) == 12  # (the clean images' classes: each of the largest refilled once)
    assert search.test.images is not None and shapes == [search.test.images.shape[1:]]
    assert search.second is not None
    rows = search.second["source"]["groups"]
    assert rows[0]["counted_odds"] == pytest.approx(1 / 9)
    assert rows[1]["held_names"] == ["c5.png", "c6.png", "c7.png"]


def test_the_class_map_check_stores_its_counted_odds(monkeypatch: pytest.MonkeyPatch) -> None:
    search = _search(_clean([0]))
    record = {"given": False, "windows": [{"score": 6, "controls": [0] * 7 + [6], "odds": 0.2}],
              "window": None, "flagged": [], "queries": 0, "patterns": {}}  # fmt: skip
    monkeypatch.setattr(technique, "class_map", _Captured(record))
    monkeypatch.setattr(technique, "source_class", _Captured(_source_record()))
    search._class_map([0])
    assert search.second is not None
    assert search.second["map"]["windows"][0]["counted_odds"] == pytest.approx(2 / 9)
