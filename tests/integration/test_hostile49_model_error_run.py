"""A model that fails in the middle of a run made from Python: the ``ModelError`` the
notebook gets names the run that keeps what was found and the call that continues it, and
advises the API's ``serving={"batch_size": N}``, not the command line's ``--batch-size N``
(hostile49: "the model raised RuntimeError: GPU out of memory on a batch of 40 inputs ...;
--batch-size N makes assay's calls no larger", and nothing of the failed run with its 1,274
findings, where ``assay fairness`` prints "run RUN: failed, 1,274 findings stored; once the
problem is fixed, continue with: assay resume RUN")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 300
    return pd.DataFrame(
        {
            "Age": rng.integers(18, 70, n),
            "Income": rng.normal(50, 15, n).round(1),
            "Gender": rng.choice(["female", "male"], n),
        }
    )


class Flaky:
    """Denies women below 55 (a planted bias); raises on its ``fail_at``-th call."""

    def __init__(self, fail_at: int | None) -> None:
        self.fail_at, self.calls = fail_at, 0

    def __call__(self, X: pd.DataFrame) -> list[str]:
        self.calls += 1
        if self.calls == self.fail_at:
            raise RuntimeError("CUDA out of memory")
        income = X["Income"].to_numpy(dtype=float)
        women = X["Gender"].to_numpy() == "female"
        bar = np.where(women, 55.0, 45.0)
        return ["approved" if ok else "denied" for ok in income > bar]


def run(model: Any, data: pd.DataFrame, db: Path) -> Any:
    model.classes_ = ["approved", "denied"]
    return assay.check_fairness(
        model, data=data, protected="Gender", max_queries=4000, seed=1, store=db
    )


def test_a_failed_api_run_is_named_with_its_findings_and_the_call_that_continues_it(
    tmp_path: Path,
) -> None:
    data, db = frame(), tmp_path / "s.db"
    flaky = Flaky(fail_at=60)
    with pytest.raises(assay.ModelError) as caught:
        run(flaky, data, db)
    said = str(caught.value)
    assert "CUDA out of memory" in said
    assert isinstance(caught.value.__cause__, RuntimeError)  # the model's own, kept
    assert "--batch-size" not in said and 'serving={"batch_size": N}' in said
    found = re.search(r"run (\S+) failed, ([\d,]+) findings? stored", said)
    assert found is not None, said
    run_id, n = found[1], int(found[2].replace(",", ""))
    with RunStore(db) as store:
        record = store.get_run(run_id)
        assert record.status == "failed" and record.n_findings == n > 0
    assert f"assay.resume_run({run_id!r}, store={str(db.resolve())!r})" in said
    # the call said, the model fixed and given again, ends the run with every finding
    fixed = Flaky(fail_at=None)
    fixed.classes_ = ["approved", "denied"]  # type: ignore[attr-defined]
    resumed = assay.resume_run(run_id, store=db, model=fixed, data=data)
    whole = run(Flaky(fail_at=None), data, tmp_path / "whole.db")
    assert resumed.status == whole.status == "completed"
    assert resumed.n_findings == whole.n_findings > n


def test_a_model_failing_before_any_run_is_told_the_apis_batch_size(tmp_path: Path) -> None:
    def small(X: pd.DataFrame) -> list[str]:
        if len(X) > 8:
            raise RuntimeError(f"batch of {len(X)} > 8")
        return ["approved"] * len(X)

    small.classes_ = ["approved", "denied"]  # type: ignore[attr-defined]
    with pytest.raises(assay.ModelError) as caught:
        assay.check_fairness(
            small,
            data=frame(),
            protected="Gender",
            max_queries=500,
            seed=1,
            store=tmp_path / "s.db",
        )
    said = str(caught.value)
    assert "--batch-size" not in said and 'serving={"batch_size": N}' in said
