"""What automatic mode measured, as its note says it.  Under a query budget a fast model's run
said "a fast model and a large budget, so the search ran for IDIs per second (26.0 us a query
in a call of 0 queries)": the call it timed had 128 queries (German credit, seed 3, 400,000
queries); the size was kept only under a time budget."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_fairness_search import SCHEMA, Rule, Technique, _first, narrow, stored, wide

from assay.core.model import ModelInputs
from assay.core.run import execute
from assay.core.store import RunStore, new_run_id
from assay.fairness.encoded import EncodedModel
from assay.fairness.search.walk import _measured


def test_the_time_modes_note_names_the_call_it_timed() -> None:
    for by_time in (False, True):
        s = _first(Rule(wide), 3_000, by_time=by_time).summary()
        assert s["optimize"] == "time", s
        said = re.search(r"us a query in a call of ([\d,]+) queries", s["optimize_note"])
        assert said is not None, s["optimize_note"]
        assert int(said.group(1).replace(",", "")) > 0, s["optimize_note"]


def test_a_stored_measure_without_its_call_size_says_no_size() -> None:
    """A run stored before the size was kept, resumed: its cost alone, never "0 queries"."""
    old = {"seconds_per_call": 0.003, "seconds_per_query": 26e-6}
    assert _measured(old) == " (26.0 us a query)"
    assert _measured(None) == ""


class FirstCallSlow(Rule):
    """A fast rule whose first call takes 30 ms: the first round of a loaded machine."""

    def __init__(self, rule: Any) -> None:
        super().__init__(rule)
        self.calls = 0

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        self.calls += 1
        if self.calls == 1:
            time.sleep(0.03)
        return super().predict(inputs)


@pytest.mark.parametrize("checkpoints", [1, 2, 5])
def test_a_resume_keeps_the_choice_its_first_session_timed(
    tmp_path: Path, checkpoints: int
) -> None:
    """Auto timed the first round slow (a loaded machine: German credit's 3 ms call took
    20-27 ms at load 18) and turned query-efficient; the run, stopped after its first
    checkpoints and resumed where every call is fast, ends with the findings of the run not
    stopped (196,751 IDIs for both on German credit, not the unloaded run's 184,622): the
    choice is the first session's, even where the resume applies the timed round."""
    store = RunStore(tmp_path / "runs.sqlite")
    ids = []
    for _ in range(2):
        ids.append(new_run_id("fairness"))
        store.create_run(
            run_id=ids[-1], technique="f", seed=5, command="t", config={}, model={}, versions={}
        )
    # (a budget above small_budget: auto times the first round instead of choosing at once)
    run = {"store": store, "seed": 5, "max_queries": 8_000, "commit_interval": 0}
    full = execute(
        Technique("walk", SCHEMA, small_budget=1_000),
        EncodedModel(SCHEMA, FirstCallSlow(narrow)),
        run_id=ids[0],
        **run,
    )
    assert full.summary["optimize"] == "queries"
    assert full.summary["optimize_switched_round"] == 1
    first = execute(
        Technique("walk", SCHEMA, small_budget=1_000),
        EncodedModel(SCHEMA, FirstCallSlow(narrow)),
        run_id=ids[1],
        stop_after_checkpoints=checkpoints,
        **run,
    )
    assert first.status == "interrupted"
    second = execute(
        Technique("walk", SCHEMA, small_budget=1_000),
        EncodedModel(SCHEMA, Rule(narrow)),
        run_id=ids[1],
        resume=True,
        **run,
    )
    assert second.summary["optimize"] == "queries"
    assert second.n_findings == full.n_findings > 100
    assert np.array_equal(stored(store, ids[0]), stored(store, ids[1]))
