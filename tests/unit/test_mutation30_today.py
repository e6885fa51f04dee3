"""Mutation review of the twenty-ninth session's code (bench/RESULTS.md, mutation30): what
its tests let a careless edit break unnoticed.

- The answer's rows under its bound never fall to 0, however many values (a row of more
  queries than the bound itself: 30,000 values beside data rows, 60,000 queries a row).
- Loading on a thread other than the main one: a budget spent before loading refuses at once,
  without starting the loading; the loading runs in the caller's context (its context
  variables), not an empty one.
- An ended fairness run without a verdict that nothing marks as stopped before its answer (a
  run stored before the marks, or one that left its answer out for a reason of its own) is
  not finished: only the marks (``core.unfinished``, ``ANSWER_MISSING``) say what is missing.
- A text run that compared none of the sentences it judged is not said to have compared
  "only 0" of them (``never_compared`` says that it tested nothing).
"""

from __future__ import annotations

import contextvars
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from test_resume30_finishing import _record

from assay.core.finishing import missing_parts
from assay.core.loading_time import load_within
from assay.errors import UsageError
from assay.fairness.answer_cost import answer_rows
from assay.text.oracle import Oracle


class _Schema:
    """The little of a schema ``answer_rows`` reads: protected attributes and their values."""

    def __init__(self, **values: int) -> None:
        self.protected = list(values)
        self._values = values

    def feature(self, name: str) -> Any:
        return SimpleNamespace(n_values=self._values[name])


@pytest.mark.parametrize("budget", [100, 5_000, 20_000, 50_000])
def test_a_row_costing_more_than_the_bound_still_samples_one(budget: int) -> None:
    rows, note = answer_rows(_Schema(city=30_000), True, 20_000, budget)
    assert rows == 1
    assert note is not None and "samples 1 row per source (not 500)" in note


def _on_a_thread(call: Any) -> Any:
    """``call()``'s value or exception, from a thread other than the main one."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = call()
        except BaseException as exc:
            out["error"] = exc

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    return out


def test_a_spent_budget_on_a_thread_refuses_without_starting_the_loading() -> None:
    started: list[str] = []

    def load() -> str:
        started.append(threading.current_thread().name)
        time.sleep(0.5)
        return "model"

    out = _on_a_thread(
        lambda: load_within(2.0, time.monotonic() - 5.0, what="loading the model", load=load)
    )
    assert isinstance(out.get("error"), UsageError)
    assert "in the background" not in str(out["error"])  # (nothing was left running)
    time.sleep(0.6)
    assert started == []


SETTING: contextvars.ContextVar[str] = contextvars.ContextVar("mutation30_setting")


def test_loading_on_a_thread_sees_the_callers_context() -> None:
    def call() -> str:
        SETTING.set("the caller's")
        return load_within(30.0, time.monotonic(), what="loading the model", load=SETTING.get)

    assert _on_a_thread(call) == {"value": "the caller's"}


def test_none_compared_is_not_said_to_be_partly_compared() -> None:
    def oracle(compared: int, judged: int) -> Any:
        return SimpleNamespace(
            compared=compared,
            judged=judged,
            unmapped_said=lambda: "m: x",
            _added=lambda: "",
            metamorphic=False,
        )

    assert Oracle.partly_compared(oracle(0, 8)) is None  # (never_compared's case)
    assert Oracle.partly_compared(oracle(8, 8)) is None
    assert "only 3 of the 8 sentences judged" in str(Oracle.partly_compared(oracle(3, 8)))


def test_an_unmarked_run_without_a_verdict_is_not_finished() -> None:
    assert missing_parts(_record("completed", {"search": {"idis": 5}})) == []
