"""hostile27b (twenty-sixth session): a fairness run interrupted through the API outside its
search's checkpoints (a Ctrl-C or a notebook's "interrupt kernel" while its determinism
checks or its answer ran).  It raised a bare ``KeyboardInterrupt`` naming nothing, and left
the run ``running`` in the store for good (``assay runs`` showed it running, ``prune`` never
deleted it); interrupted in the answer after its search, the run stayed ``completed`` without
its answer, a run that ``assay report`` could read as a pass.  The command line already left
both as they should be (``cli.reporting.finish_interrupted``); the API now does the same.

The interrupt is raised from the progress callback at the phase named: the main thread gets
the ``KeyboardInterrupt`` exactly where a Ctrl-C's default handler would raise it.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile27b_models import by_sex, fair, negation_aware, negation_blind, people

import assay
from assay.core.outcome import not_a_pass
from assay.core.run import RunInterrupted


class _InterruptAt:
    """A progress callback that raises ``KeyboardInterrupt`` when the phase ``name`` starts
    (``after_search``: only once the search has shown progress)."""

    def __init__(self, name: str, *, after_search: bool = False) -> None:
        self.name = name
        self.after_search = after_search
        self.searched = False

    def __call__(self, p: dict[str, Any]) -> None:
        if p.get("phase") == "search":
            self.searched = True
        if p.get("phase") == self.name and (self.searched or not self.after_search):
            raise KeyboardInterrupt


def test_interrupted_in_its_checks_before_the_search_the_run_is_resumable(
    tmp_path: Path,
) -> None:
    store = tmp_path / "runs.db"
    frame = people()
    with pytest.raises(KeyboardInterrupt) as caught:
        assay.check_fairness(
            by_sex,
            data=frame,
            protected=["sex"],
            max_queries=3_000,
            seed=1,
            store=store,
            on_progress=_InterruptAt("checks"),
        )
    assert isinstance(caught.value, RunInterrupted)  # names the run, as the search's does
    run_id = caught.value.run_id
    assert "assay.resume_run(" in str(caught.value) and run_id in str(caught.value)
    with assay.RunStore(store, read_only=True) as s:
        assert s.get_run(run_id).status == "interrupted"  # not 'running' for good
    resumed = assay.resume_run(run_id, store=store, model=by_sex, data=frame)
    assert resumed.status in ("completed", "budget_exhausted")
    assert resumed.n_findings > 0


def test_interrupted_in_its_answer_after_the_search_the_run_is_never_a_pass(
    tmp_path: Path,
) -> None:
    store = tmp_path / "runs.db"
    with pytest.raises(KeyboardInterrupt) as caught:
        assay.check_fairness(
            fair,
            data=people(),
            protected=["sex"],
            max_queries=3_000,
            seed=1,
            store=store,
            on_progress=_InterruptAt("answer", after_search=True),
        )
    assert isinstance(caught.value, RunInterrupted)
    assert caught.value.ended == "completed"
    assert "resume_run" not in str(caught.value)  # an ended run is not resumed
    assert "answer" in str(caught.value)
    with assay.RunStore(store, read_only=True) as s:
        record = s.get_run(caught.value.run_id)
    assert record.status == "completed" and record.n_findings == 0
    assert "verdict" not in record.summary
    # nothing found, and the answer never computed: not everything was tested, never a pass
    assert not_a_pass(record.summary) is not None


def test_a_text_run_interrupted_in_its_checks_before_the_search_is_resumable(
    tmp_path: Path,
) -> None:
    store = tmp_path / "runs.db"
    models = [negation_blind, negation_aware]
    with pytest.raises(KeyboardInterrupt) as caught:
        assay.check_text(
            models,
            grammar="builtin:reviews",
            max_queries=2_000,
            seed=1,
            store=store,
            on_progress=_InterruptAt("checks"),
        )
    assert isinstance(caught.value, RunInterrupted)
    run_id = caught.value.run_id
    with assay.RunStore(store, read_only=True) as s:
        assert s.get_run(run_id).status == "interrupted"
    resumed = assay.resume_run(run_id, store=store, model=models)
    assert resumed.status in ("completed", "budget_exhausted") and resumed.n_findings > 0


def test_a_backdoor_scan_interrupted_by_a_ctrl_c_in_its_checks_is_resumable(
    tmp_path: Path,
) -> None:
    """The real thing: SIGINT to the process (as a terminal's Ctrl-C and a notebook's
    "interrupt kernel" send it) while the determinism check before the scan waits for the
    model, whose calls run off the main thread."""
    armed: list[bool] = []

    def brightness(x: np.ndarray) -> np.ndarray:
        if armed and armed.pop():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)  # still answering when the main thread gets the interrupt
        return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(int)

    brightness.classes_ = [0, 1]  # type: ignore[attr-defined]
    rng = np.random.default_rng(3)
    images, clean = rng.random((4, 8, 8)), rng.random((12, 8, 8))
    store = tmp_path / "runs.db"
    with pytest.raises(KeyboardInterrupt) as caught:
        assay.check_backdoor(
            brightness,
            images=images,
            clean=clean,
            input_shape="8,8",
            max_queries=2_000,
            seed=1,
            store=store,
            on_start=lambda *_: armed.append(True),  # the run exists: its next call is the check
        )
    assert isinstance(caught.value, RunInterrupted)
    with assay.RunStore(store, read_only=True) as s:
        assert s.get_run(caught.value.run_id).status == "interrupted"
    resumed = assay.resume_run(
        caught.value.run_id, store=store, model=brightness, images=images, clean=clean
    )
    assert resumed.status in ("completed", "budget_exhausted")
