"""Backdoor scans that could find nothing (or flag everything) are refused before they start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.modelscan import anomaly_index
from assay.core.store import RunStore
from assay.errors import UsageError


def _images(n: int = 40) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.random((n, 8, 8, 1))


def _model(n_classes: int):  # type: ignore[no-untyped-def]
    def predict(x: np.ndarray) -> np.ndarray:
        flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
        return (flat[:, : n_classes * 4].reshape(len(x), n_classes, 4).sum(axis=2)).argmax(1)

    predict.classes_ = list(range(n_classes))  # type: ignore[attr-defined]
    return predict


def test_two_classes_cannot_reach_the_anomaly_threshold() -> None:
    """Why: over two classes the robust z-score is at most 0.67, whatever the patches."""
    assert anomaly_index(np.array([1.0, 5.0]))[0] < 0.7
    assert anomaly_index(np.array([1.0, 5.0, 5.0]))[0] > 2.0


def _refused(tmp_path: Path, said: str, n_classes: int = 3, **options: Any) -> None:
    """The scan is refused with ``said`` in its message, before a run is made."""
    store = RunStore(tmp_path / "runs.db")
    with pytest.raises(UsageError, match=said):
        check_backdoor(
            _model(n_classes), clean=_images(), max_queries=500, seed=1, store=store, **options
        )
    assert not store.list_runs()


def test_a_model_scan_of_a_two_class_model_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, "2 classes", n_classes=2)


def test_a_model_scan_of_three_classes_runs(tmp_path: Path) -> None:
    r = check_backdoor(
        _model(3), clean=_images(), max_queries=2_000, seed=1, store=RunStore(tmp_path / "r.db")
    )
    assert r.run_id


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [("threshold", 1.5, "threshold"), ("threshold", 0.0, "threshold"), ("n_verify", 0, "n_verify")],
)
def test_a_confirmation_that_could_never_or_always_hold_is_refused(
    tmp_path: Path, option: str, value: float, named: str
) -> None:
    """threshold=1.5 confirmed no trigger ever ('0 of 10 images carry a trigger': a scan that
    passes everything), threshold<=0 every candidate, n_verify=0 was a bare ValueError."""
    _refused(tmp_path, named, images=_images(5), **{option: value})


@pytest.mark.parametrize(
    ("labels", "said"),
    [([0, 1], "2 true labels for 5 images"), ([7] * 5, "not a class"), ([-1] * 5, "not a class")],
)
def test_true_labels_that_do_not_fit_the_images_are_refused(
    tmp_path: Path, labels: list[int], said: str
) -> None:
    """Two labels for five images was a bare IndexError; a label of no class scored the
    corrected label against nothing."""
    _refused(tmp_path, said, images=_images(5), labels=labels)


def test_a_model_scan_says_why_an_anomalous_class_was_cleared() -> None:
    """The headline read 'no class reachable by an anomalously small patch (largest anomaly
    index 2.7 < 2)' when class 7 was so reachable and the shortcut check cleared it."""
    from types import SimpleNamespace

    from assay.backdoor.modelscan import ClassScan
    from assay.backdoor.summary import _cleared

    def scan(c: int, size: int | None, **kw: Any) -> ClassScan:
        return ClassScan(c, size, 1.0, (5, 5, 3, 3), np.zeros((3, 3, 1)), {}, **kw)

    scans = [scan(c, 4) for c in range(3)] + [
        scan(3, 3),
        scan(4, 2, natural=0.95),
        scan(5, 2, natural=0.1, held_out=0.8, held_out_n=50, lowest_source=0.4),
    ]
    search = SimpleNamespace(test=SimpleNamespace(anomaly_threshold=2.0), caps=None)
    index = [0.0, 0.0, 0.0, 2.7, 3.0, 3.0]
    said = _cleared(search, scans, index, {"shortcut_ratio": {"3": 2.3}})
    assert len(said) == 3, said
    assert said[0].startswith("class 3 was reachable") and "shortcut ratio 2.3 < 3" in said[0]
    assert "own pixels" in said[1] and "95%" in said[1]
    assert "50 held-out clean images it reached 80%" in said[2] and "40%" in said[2]
