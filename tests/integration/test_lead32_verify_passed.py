"""``assay.verify_run`` answers whether the replay is what ``assay verify``'s exit 0 means
(``passed``), and its ``untested`` says why not as the command does: code that checked only
``still_failing == 0`` read a replay against a model answering one class as a fix, and a run
with no stored finding as one too (hostile33's Left 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.errors import UsageError


def _biased(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return (x[:, 0] + 3 * x[:, 1] > 5).astype(int)


def _fair(x: Any) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return (x[:, 0] > 5).astype(int)


def _everyone(x: Any) -> np.ndarray:
    return np.ones(len(np.asarray(x)), dtype=int)


def _data(tmp_path: Path) -> str:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"score": rng.integers(0, 10, 400), "sex": rng.integers(0, 2, 400)})
    frame.to_csv(tmp_path / "people.csv", index=False)
    return str(tmp_path / "people.csv")


def test_a_replay_against_a_model_answering_one_class_has_not_passed(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    run = assay.check_fairness(
        _biased, _data(tmp_path), protected="sex", store=store, seed=1, max_queries=2000
    )
    assert run.n_findings > 0
    fixed = assay.verify_run(run.run_id, store=store, model=_fair)
    assert fixed.still_failing == 0 and fixed.passed and not fixed.untested
    still = assay.verify_run(run.run_id, store=store, model=_biased)
    assert still.still_failing > 0 and not still.passed
    one = assay.verify_run(run.run_id, store=store, model=_everyone)
    assert one.still_failing == 0 and one.untested and not one.passed


def test_a_run_with_no_stored_finding_has_not_passed_and_says_why(
    tmp_path: Path,
) -> None:
    store = tmp_path / "runs.db"
    run = assay.check_fairness(
        _fair, _data(tmp_path), protected="sex", store=store, seed=1, max_queries=500
    )
    assert run.n_findings == 0
    got = assay.verify_run(run.run_id, store=store, model=_fair)
    assert got.total == 0 and not got.passed
    assert got.untested == f"run {run.run_id} has no stored finding to replay: nothing was tested"


def test_a_run_of_an_in_memory_dataframe_is_verified_given_the_frame_again(
    tmp_path: Path,
) -> None:
    """A notebook's run of a DataFrame could not be verified at all: verify_run had no
    ``data`` and its refusal pointed to ``resume_run``."""
    store = tmp_path / "runs.db"
    frame = pd.read_csv(_data(tmp_path))
    run = assay.check_fairness(
        _biased, frame, protected="sex", store=store, seed=1, max_queries=2000
    )
    assert run.n_findings > 0
    with pytest.raises(UsageError) as refused:
        assay.verify_run(run.run_id, store=store, model=_fair)
    said = str(refused.value)
    assert f"assay.verify_run({run.run_id!r}, model=..., data=frame)" in said, said
    assert "resume_run" not in said and "argument data" in said
    fixed = assay.verify_run(run.run_id, store=store, model=_fair, data=frame)
    assert fixed.total > 0 and fixed.passed
    still = assay.verify_run(run.run_id, store=store, model=_biased, data=frame)
    assert still.still_failing == still.total > 0 and not still.passed
