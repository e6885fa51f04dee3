"""The run driver keeps what a pipelined search finds in its last round.

A search may submit a model call in ``step`` and read its answer in ``flush`` (the text and
fairness searches do): the findings of the round still in flight when the search is done
come from the final ``flush``.  Dropping them (a mutation the rest of the suite let
through, bench/RESULTS.md "mutation20") lost a run's only finding: exit 0.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import numpy as np

from assay.core.budget import BudgetedModel
from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.model import Capabilities
from assay.core.run import execute
from assay.core.store import RunStore


class _Ones:
    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

    def predict(self, rows: np.ndarray, /) -> np.ndarray:
        return np.ones(len(rows), dtype=np.int64)


class _InFlight:
    """One round: ``step`` asks the model, ``flush`` hands over what it found."""

    def __init__(self, model: BudgetedModel) -> None:
        self.model = model
        self.asked: np.ndarray | None = None
        self.steps = 0

    @property
    def done(self) -> bool:
        return self.steps >= 1

    def step(self) -> list[FindingBatch]:
        self.asked = np.zeros((1, 1))
        self.steps += 1
        return []

    def flush(self) -> list[FindingBatch]:
        if self.asked is None:
            return []
        x, self.asked = self.asked, None
        y = self.model.predict(x)
        return [FindingBatch("late", x[:, None, :], y[:, None], np.ones(1))]

    def progress(self) -> dict[str, Any]:
        return {"steps": self.steps}

    def summary(self) -> dict[str, Any]:
        return {"tested": self.steps}

    def snapshot(self) -> Snapshot:
        return Snapshot(values={"steps": self.steps})

    def restore(self, snapshot: Snapshot) -> None:
        self.steps = int(snapshot.values["steps"])


class _Technique:
    name = "late"

    def config(self) -> dict[str, Any]:
        return {}

    def search(self, model: BudgetedModel, rng: np.random.Generator) -> _InFlight:
        return _InFlight(model)


def test_the_last_rounds_findings_are_stored(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    try:
        store.create_run(
            run_id="r1", technique="late", seed=1, command="t", config={}, model={}, versions={}
        )
        out = execute(_Technique(), _Ones(), store=store, run_id="r1", seed=1, commit_interval=3600)
        assert out.status == "completed" and out.n_findings == 1
        assert store.count_at_or_above("r1", 0.0) == 1
    finally:
        store.close()


class _CtrlC(_InFlight):
    """Ctrl-C during its first of three rounds."""

    @property
    def done(self) -> bool:
        return self.steps >= 3

    def step(self) -> list[FindingBatch]:
        self.steps += 1
        if self.steps == 1:
            os.kill(os.getpid(), signal.SIGINT)
        return []


class _Stopped(_Technique):
    def search(self, model: BudgetedModel, rng: np.random.Generator) -> _InFlight:
        return _CtrlC(model)


def test_a_ctrl_c_leaves_the_run_interrupted_not_completed(tmp_path: Path) -> None:
    """The first Ctrl-C stops the run at its next safe point as interrupted (exit 130,
    resumable): read as completed, a run stopped before it found anything exited 0."""
    store = RunStore(tmp_path / "runs.db")
    try:
        store.create_run(
            run_id="r1", technique="late", seed=1, command="t", config={}, model={}, versions={}
        )
        out = execute(_Stopped(), _Ones(), store=store, run_id="r1", seed=1)
        assert out.status == "interrupted" and store.get_run("r1").status == "interrupted"
    finally:
        store.close()


class _OneAtOnce(_InFlight):
    """One round that finds one input at once (in ``step``)."""

    def step(self) -> list[FindingBatch]:
        self.steps += 1
        x = np.zeros((1, 1))
        return [FindingBatch("once", x[:, None, :], self.model.predict(x)[:, None], np.ones(1))]


class _Once(_Technique):
    def search(self, model: BudgetedModel, rng: np.random.Generator) -> _InFlight:
        return _OneAtOnce(model)


def test_a_rounds_single_finding_is_stored(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    try:
        store.create_run(
            run_id="r1", technique="late", seed=1, command="t", config={}, model={}, versions={}
        )
        out = execute(_Once(), _Ones(), store=store, run_id="r1", seed=1, commit_interval=3600)
        assert out.n_findings == 1 and store.count_at_or_above("r1", 0.0) == 1
    finally:
        store.close()
