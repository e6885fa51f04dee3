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


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, 300),
            "income": rng.normal(0.0, 1.0, 300),
            "sex": rng.choice(["F", "M"], 300),
        }
    )


class _FailsOnce:
    """Discriminates on sex; its third call raises (the run stops, resumable)."""

    classes_ = (0, 1)

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, rows: object) -> np.ndarray:
        self.calls += 1
        if self.calls == 3:
            raise RuntimeError("the GPU went away")
        return _by_sex(np.asarray(rows, dtype=object)[:, [0, 2]])


def test_a_run_on_an_in_memory_frame_is_resumed_with_the_frame_given_again(
    tmp_path: Path,
) -> None:
    frame, store = _frame(), tmp_path / "s.db"
    model = _FailsOnce()
    with pytest.raises(assay.ModelError):
        assay.check_fairness(
            model, data=frame, protected=["sex"], max_queries=20_000, seed=1, store=store
        )
    (run,) = assay.RunStore(store).list_runs()
    assert run.status == "failed"
    with pytest.raises(assay.UsageError) as err:  # the frame is not stored: say how
        assay.resume_run(run.id, store=store, model=model)
    assert "data=" in str(err.value) and "--data FILE" not in str(err.value)
    other = frame.assign(income=frame["income"] + 1.0)
    with pytest.raises(assay.UsageError, match="not the DataFrame"):
        assay.resume_run(run.id, store=store, model=model, data=other)
    result = assay.resume_run(run.id, store=store, model=model, data=frame)
    assert result.status in ("completed", "budget_exhausted")
    assert result.n_findings > 0
