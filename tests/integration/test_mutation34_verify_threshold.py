"""``assay verify`` of a fairness run made with ``threshold`` (a probability gap is a failure
too): a model giving one class to everything, its probabilities moving, was tested (a gap
could have failed), and passes; one whose probabilities never move tested nothing
(mutation34: mutant FR3 of ``fairness/replay.py``, the gaps never watched, survived)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import assay

sys.path.insert(0, str(Path(__file__).parent))
from test_hostile33_verify_one_class import _ApprovesAll, _Biased, _people  # isort: skip


class _BiasedProba(_Biased):
    """``_Biased`` with probabilities: men approved from 31 hours, women from 46."""

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=object)
        ok = rows[:, 1].astype(float) + (rows[:, 0] == "Male") * 15 > 45
        p = np.where(ok, 0.9, 0.1)
        return np.stack([p, 1.0 - p], axis=1)


class _Flat(_Biased):
    """Approves everyone at one probability."""

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        return np.tile([0.7, 0.3], (len(rows), 1))

    def predict(self, rows: np.ndarray) -> np.ndarray:
        return np.full(len(rows), "approved")


def test_one_class_with_moving_probabilities_was_tested_under_a_threshold(
    tmp_path: Path,
) -> None:
    frame, _ = _people()
    frame.to_csv(tmp_path / "people.csv", index=False)
    store = tmp_path / "runs.db"
    run = assay.check_fairness(
        _BiasedProba(),
        data=tmp_path / "people.csv",
        protected=["sex"],
        max_queries=2000,
        seed=1,
        threshold=0.2,
        store=store,
    )
    assert not run.passed
    moving = assay.verify_run(run.run_id, store=store, model=_ApprovesAll())
    assert moving.total and not moving.still_failing and not moving.untested, moving
    assert moving.passed
    flat = assay.verify_run(run.run_id, store=store, model=_Flat())
    assert flat.total and not flat.still_failing and not flat.passed
    assert flat.untested.startswith("the model gave the same class ('approved')"), flat
