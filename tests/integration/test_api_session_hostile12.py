"""Many checks in one notebook session: each run leaves no thread behind."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay

pytestmark = pytest.mark.slow


def _by_sex(rows: object) -> np.ndarray:
    out: np.ndarray = (np.asarray(rows, dtype=object)[:, 1] == "M").astype(np.int64)
    return out


_by_sex.classes_ = [0, 1]  # type: ignore[attr-defined]


def _watchers() -> int:
    return sum(t.name.startswith("assay-") for t in threading.enumerate())


@pytest.mark.parametrize("overlap", [True, False])
def test_repeated_fairness_checks_leave_no_threads(tmp_path: Path, overlap: bool) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 200), "sex": rng.choice(["F", "M"], 200)})
    before = _watchers()
    for seed in range(3):
        result = assay.check_fairness(
            _by_sex,
            data=frame,
            protected=["sex"],
            max_queries=500,
            seed=seed,
            store=tmp_path / "s.db",
            overlap=overlap,
        )
        assert result.n_findings > 0  # the planted discrimination is found every time
    deadline = time.monotonic() + 5.0  # a stopped thread ends after its last call returns
    while _watchers() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _watchers() <= before, [t.name for t in threading.enumerate()]
