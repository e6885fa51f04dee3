"""A model the Dask workers cannot be sent is refused before a run is made, by text and
backdoor runs as by fairness (mutation39: docs38's test ran fairness alone)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from test_hostile37_backdoor_api_forms import predict

import assay
from assay import RunStore
from assay.errors import UsageError


class _Locked:
    """A model holding a lock (which does not pickle)."""

    classes_ = (0, 1, 2, 3)

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def __call__(self, x: object) -> np.ndarray:
        with self.lock:
            return predict(np.asarray(x))


class _LockedText:
    classes_ = ("neg", "pos")

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self.lock:
            return np.array([int("not" in t) for t in texts])


def test_a_backdoor_scan_refuses_an_unsendable_model_before_a_run(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "images.npy", rng.random((6, 8, 8)) * 16)
    np.save(tmp_path / "clean.npy", rng.random((24, 8, 8)) * 16)
    store = tmp_path / "runs.db"
    with pytest.raises(UsageError, match=r"cannot be sent to the Dask workers"):
        assay.check_backdoor(
            _Locked(), images=str(tmp_path / "images.npy"), clean=str(tmp_path / "clean.npy"),
            input_shape=(8, 8), value_range=(0, 16), n_classes=4, max_queries=400, seed=0,
            store=store, executor="dask", workers=1, units=2,
        )  # fmt: skip
    assert not store.exists() or RunStore(store).list_runs() == []


def test_a_text_run_refuses_an_unsendable_classifier_before_a_run(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    with pytest.raises(UsageError, match=r"cannot be sent to the Dask workers"):
        assay.check_text(
            [_LockedText(), _LockedText()], grammar="builtin:reviews", max_queries=200,
            seed=1, store=store, executor="dask", workers=1, units=2,
        )  # fmt: skip
    assert not store.exists() or RunStore(store).list_runs() == []
