"""``resume_run(..., batch_size=N)`` for a run of a local function: a run that failed because
its model takes at most so many inputs a call is continued with smaller calls, as
``serving={"batch_size": N}`` makes a new run's (hostile49: "resume_run cannot take
serving={"batch_size": N} for a local function, only served runs' batch_size=": refused,
"asks no served model", so such a run could only be run again from the start)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_hostile49_model_error_run import frame  # (the same user frame)

import assay
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

_CAP = 30


class Capped:
    """Denies women below 55 (a planted bias); from its ``from_call``-th call on, fails on a
    batch of more than ``_CAP`` inputs (a GPU's memory).  ``sizes``: each call's inputs."""

    def __init__(self, from_call: int) -> None:
        self.from_call, self.sizes = from_call, list[int]()

    def __call__(self, X: pd.DataFrame) -> np.ndarray:
        self.sizes.append(len(X))
        if len(self.sizes) >= self.from_call and len(X) > _CAP:
            raise RuntimeError(f"out of memory: a batch of {len(X)} > {_CAP}")
        women = X["Gender"].to_numpy() == "female"
        return (X["Income"].to_numpy(dtype=float) > np.where(women, 55.0, 45.0)).astype(int)


def _check(model: Capped, db: Path, **extra: Any) -> Any:
    return assay.check_fairness(
        model, data=frame(), protected="Gender", max_queries=3000, seed=2, store=db, **extra
    )


def test_a_local_run_failed_on_its_batch_size_is_resumed_with_smaller_calls(
    tmp_path: Path,
) -> None:
    db = tmp_path / "s.db"
    with pytest.raises(assay.ModelError) as caught:
        _check(Capped(from_call=20), db)
    exc = caught.value
    assert exc.run_id is not None and exc.n_findings > 0
    said = str(exc)
    # the call it is told is one resume_run takes (before left49h: refused, "asks no
    # served model"), and says nothing of the command line's options
    told = f"assay.resume_run({exc.run_id!r}, store={str(db.resolve())!r}) (the model"
    assert told in said, said
    assert "given again; batch_size=N makes its calls no larger)" in said
    assert "--batch-size" not in said
    again = Capped(from_call=1)  # (fails on any call over 30 inputs from the start)
    resumed = assay.resume_run(exc.run_id, store=db, model=again, data=frame(), batch_size=_CAP)
    assert max(again.sizes) <= _CAP
    assert resumed.status == "completed" and resumed.n_findings >= exc.n_findings
    with RunStore(db) as store:
        record = store.get_run(exc.run_id)
        assert record.config["invocation"]["serving"]["batch_size"] == _CAP  # (kept)
    # as a new run made with the batch size from the start: the same findings
    fresh = _check(Capped(from_call=1), tmp_path / "fresh.db", serving={"batch_size": _CAP})
    assert fresh.n_findings == resumed.n_findings
    assert fresh.findings().equals(resumed.findings())


def test_a_later_resume_keeps_the_batch_size(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with pytest.raises(assay.ModelError) as caught:
        _check(Capped(from_call=20), db)
    run_id = caught.value.run_id
    assert run_id is not None

    def down(X: pd.DataFrame) -> np.ndarray:  # (a first resume that fails again)
        raise RuntimeError("the model's host is down")

    with pytest.raises(assay.ModelError):
        assay.resume_run(run_id, store=db, model=down, data=frame(), batch_size=10)
    again = Capped(from_call=1)
    resumed = assay.resume_run(run_id, store=db, model=again, data=frame())
    assert resumed.status == "completed"
    assert again.sizes and max(again.sizes) <= 10
