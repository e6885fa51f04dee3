"""mutation51: a resume keeps the findings a failed session committed past its last snapshot
(``core.run._Replay``, the lead's forty-ninth-session fix): the resumed search finds them
again and they are passed over, not stored twice; a snapshot counts the findings its search
state holds (``stored - left``), so a resume of a resume replays exactly the tail.

In process, with a fake search: each step finds 3 rows (step s: inputs ``[s, 0..2]``), 8
steps in all; a session's step ``fail_at`` raises a ``ModelError`` (the run fails, its
pending rows committed).  ``pipelined``: the rows a step finds are handed over by the next
``flush`` (as the fairness and text searches do), not by ``step``.  main's test of it
(``test_lead50_failed_resume_keeps``) runs three subprocess fairness runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_mutation20_core_run import _InFlight, _Ones

from assay.core import run as core_run
from assay.core.budget import BudgetedModel
from assay.core.findings import FindingBatch
from assay.core.run import _Replay, execute
from assay.core.store import RunStore
from assay.errors import ModelError

STEPS, ROWS = 8, 3


def _batch(first: int, n: int) -> FindingBatch:
    x = np.arange(first, first + n, dtype=float)[:, None, None]
    return FindingBatch("row", x, np.zeros((n, 1)), np.ones(n))


def _values(b: FindingBatch) -> list[int]:
    return [int(v) for v in b.inputs.reshape(len(b))]


class _Search(_InFlight):
    def __init__(self, model: BudgetedModel, fail_at: int | None, pipelined: bool) -> None:
        super().__init__(model)
        self.fail_at, self.pipelined = fail_at, pipelined
        self.out: list[FindingBatch] = []

    @property
    def done(self) -> bool:
        return self.steps >= STEPS

    def step(self) -> list[FindingBatch]:
        if self.steps + 1 == self.fail_at:
            raise ModelError("the model failed")
        self.model.predict(np.zeros((1, 1)))
        self.steps += 1
        found = [_batch(10 * self.steps, ROWS)]
        if self.pipelined:
            self.out += found
            return []
        return found

    def flush(self) -> list[FindingBatch]:
        out, self.out = self.out, []
        return out


class _Technique:
    name = "rows"

    def __init__(self, fail_at: int | None = None, pipelined: bool = False) -> None:
        self.fail_at, self.pipelined = fail_at, pipelined

    def config(self) -> dict[str, Any]:
        return {}

    def search(self, model: BudgetedModel, rng: np.random.Generator) -> _Search:
        return _Search(model, self.fail_at, self.pipelined)


ALL = [10 * s + j for s in range(1, STEPS + 1) for j in range(ROWS)]  # a run never failed


def _session(
    store: RunStore,
    *,
    resume: bool,
    fail_at: int | None = None,
    pipelined: bool = False,
    every: float = 3600.0,
    stop: int | None = None,
) -> str:
    try:
        out = execute(
            _Technique(fail_at, pipelined), _Ones(), store=store, run_id="r", seed=1,
            resume=resume, commit_interval=every, stop_after_checkpoints=stop,
        )  # fmt: skip
    except ModelError:
        return "failed"
    return out.status


def _rows(store: RunStore) -> list[int]:
    return [v for b in store.iter_batches("r") for v in _values(b)]


def _counted(store: RunStore) -> tuple[int, int]:
    snap = store.load_snapshot("r")
    assert snap is not None
    return int(snap.values["findings"]), int(snap.unprefixed("search.").values["steps"])


@pytest.fixture
def failed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunStore]:
    """A run that checkpointed after its 3rd step (9 rows: ``MAX_PENDING`` 7) and failed at
    its 6th, committing the 6 rows of steps 4 and 5 past that snapshot: 15 stored."""
    monkeypatch.setattr(core_run, "MAX_PENDING", 7)
    monkeypatch.setattr(core_run, "FIRST_COMMIT", 3600.0)
    store = RunStore(tmp_path / "runs.db")
    store.create_run(
        run_id="r", technique="rows", seed=1, command="t", config={}, model={}, versions={}
    )
    assert _session(store, resume=False, fail_at=6) == "failed"
    assert _rows(store) == ALL[:15] and _counted(store) == (9, 3)
    monkeypatch.setattr(core_run, "MAX_PENDING", 250_000)
    yield store
    store.close()


@pytest.mark.parametrize("pipelined", [False, True])
def test_a_resume_failing_sooner_keeps_the_tail_and_counts_its_state(
    failed: RunStore, pipelined: bool
) -> None:
    # the resume checkpoints after its first step (the tail's first 3 rows found again, not
    # stored twice), then fails: the store still holds the 15 rows, and the snapshot counts
    # the 12 of its state (4 steps), not the 15 stored
    assert _session(failed, resume=True, fail_at=5, pipelined=pipelined, every=0.0) == "failed"
    assert _rows(failed) == ALL[:15]
    assert _counted(failed) == (12, 4)
    # the next resume passes over the 3 rows of step 5 and finishes as a run never failed
    assert _session(failed, resume=True, pipelined=pipelined) == "completed"
    assert _rows(failed) == ALL


def test_a_resume_stopped_inside_the_tail_counts_its_state(failed: RunStore) -> None:
    # stopped after one checkpoint, still 3 rows short of the tail's end: its last snapshot
    # counts 12 (4 steps), not the 15 stored; its resume then stores none twice
    assert _session(failed, resume=True, every=0.0, stop=1) == "interrupted"
    assert _rows(failed) == ALL[:15] and _counted(failed) == (12, 4)
    assert _session(failed, resume=True) == "completed"
    assert _rows(failed) == ALL


def test_past_passes_over_the_first_rows_across_batches() -> None:
    r = _Replay(4)
    out = r.past([_batch(0, 3), _batch(3, 0), _batch(10, 3), _batch(20, 2)])
    assert [_values(b) for b in out] == [[11, 12], [20, 21]] and r.left == 0
    r = _Replay(3)  # (a batch of exactly the rows left: passed over, no empty batch kept)
    assert r.past([_batch(0, 3)]) == [] and r.left == 0
    assert [_values(b) for b in r.past([_batch(5, 2)])] == [[5, 6]]


def test_a_store_holding_fewer_than_the_snapshot_counts_replays_none() -> None:
    r = _Replay(-2)  # (fewer stored than the snapshot counts: nothing to pass over)
    assert r.left == 0
    assert [_values(b) for b in r.past([_batch(0, 3)])] == [[0, 1, 2]]
