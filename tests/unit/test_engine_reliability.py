"""The engine's guards, one by one: call deadlines, stop requests, model exits, stalled
searches, redaction, budget checks."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from assay.core.budget import BudgetedModel, check_budget
from assay.core.calls import CallTimeout, StopRequest, WatchedCaller, shielded
from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.model import Capabilities
from assay.core.redact import is_redacted, redact_json, redact_text, redact_url
from assay.core.run import execute
from assay.core.store import RunStore
from assay.errors import BudgetExhausted, ModelError, UsageError

CAPS = Capabilities(modality="tabular", n_classes=2, outputs="labels")


def _hang() -> np.ndarray:
    time.sleep(3600)
    raise AssertionError("unreachable")


def test_a_call_past_its_timeout_is_a_model_error_and_is_abandoned() -> None:
    caller = WatchedCaller(call_timeout=0.2)
    t0 = time.monotonic()
    with pytest.raises(CallTimeout, match=r"did not answer within 0\.2 s"):
        caller.submit(_hang).result()
    assert time.monotonic() - t0 < 2
    assert caller.abandoned
    caller.close()  # never waits for the hung thread


def test_the_runs_time_left_bounds_every_call() -> None:
    deadline = time.monotonic() + 0.3
    answered = [1]
    caller = WatchedCaller(
        call_timeout=None,
        time_left=lambda: max(deadline - time.monotonic(), 0.0),
        answered=lambda: answered[0],
    )
    with pytest.raises(BudgetExhausted) as err:
        caller.submit(_hang).result()
    assert err.value.reason == "time"
    # nothing ever answered: nothing was tested, and the budget, not the model, is at fault
    # (a slow model's first call longer than --max-time exited 3, 'the model failed'; a hung
    # one is --call-timeout's)
    caller = WatchedCaller(call_timeout=None, time_left=lambda: 0.0, answered=lambda: 0)
    with pytest.raises(BudgetExhausted, match=r"nothing was tested.*first call") as err:
        caller.submit(_hang).result()
    assert err.value.reason == "time" and not isinstance(err.value, CallTimeout)


def test_a_stop_request_ends_the_wait_after_a_short_grace() -> None:
    stop = StopRequest()
    caller = WatchedCaller(call_timeout=None, stop=stop)
    call = caller.submit(_hang)
    threading.Timer(0.1, stop.set).start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        call.result()
    assert time.monotonic() - t0 < 1.0


def test_an_answer_that_comes_within_the_grace_is_kept() -> None:
    stop = StopRequest()
    stop.set()
    caller = WatchedCaller(call_timeout=None, stop=stop)

    def slow() -> np.ndarray:
        time.sleep(0.1)
        return np.ones(3)

    assert caller.submit(slow).result().sum() == 3


def test_system_exit_and_a_models_keyboard_interrupt_are_model_errors() -> None:
    def exits() -> np.ndarray:
        sys.exit(2)

    def interrupts() -> np.ndarray:
        raise KeyboardInterrupt

    for fn, needle in ((exits, r"sys\.exit\(2\)"), (interrupts, "KeyboardInterrupt")):
        with pytest.raises(ModelError, match=needle):
            WatchedCaller(call_timeout=5).submit(fn).result()
    with pytest.raises(ModelError, match=r"sys\.exit"):
        shielded(exits)()
    with pytest.raises(KeyboardInterrupt):  # in the main thread it may be a real Ctrl-C
        shielded(interrupts)()


class _Stuck:
    """A search that never finishes and never asks the model anything."""

    done = False

    def step(self) -> Sequence[FindingBatch]:
        return []

    def flush(self) -> Sequence[FindingBatch]:
        return []

    def progress(self) -> dict[str, Any]:
        return {}

    def summary(self) -> dict[str, Any]:
        return {}

    def snapshot(self) -> Snapshot:
        return Snapshot()

    def restore(self, snapshot: Snapshot) -> None:
        return None


class _StuckTechnique:
    name = "stuck"

    def config(self) -> dict[str, Any]:
        return {}

    def search(self, model: BudgetedModel, rng: np.random.Generator) -> _Stuck:
        return _Stuck()


class _Zeros:
    capabilities = CAPS

    def predict(self, x: Any, /) -> np.ndarray:
        return np.zeros(len(x), dtype=np.int64)


def test_a_search_that_can_find_nothing_new_ends(tmp_path: Any) -> None:
    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id="r", technique="stuck", seed=0, command="", config={}, model={}, versions={}
    )
    outcome = execute(_StuckTechnique(), _Zeros(), store=store, run_id="r", seed=0)
    assert outcome.status == "completed" and outcome.stop_reason == "stalled"


def test_the_walk_search_ends_once_a_tiny_space_is_covered() -> None:
    from assay.core.rng import generator
    from assay.fairness.schema import Feature, Schema
    from assay.fairness.search import make_search

    schema = Schema(
        (Feature("x", "integer", 0, 3), Feature("sex", "integer", 0, 1)), protected=("sex",)
    )
    model = BudgetedModel(_Zeros(), max_queries=10_000)
    search = make_search("walk", schema=schema, model=model, rng=generator(0))
    steps = 0
    while not search.done and steps < 1000:
        search.step()
        steps += 1
    assert search.done and steps < 1000
    assert model.queries == 8  # every class asked once


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"max_queries": 0}, "--max-queries"),
        ({"max_time": float("nan")}, "--max-time"),
        ({"max_time": float("inf")}, "--max-time"),
        ({"max_time": -1.0}, "--max-time"),
        ({"call_timeout": 0.0}, "--call-timeout"),
        ({"seed": -1}, "--seed"),
        ({"seed": 2**64}, "--seed"),
    ],
)
def test_budgets_that_cannot_mean_what_they_say_are_refused(
    kwargs: dict[str, Any], argument: str
) -> None:
    with pytest.raises(UsageError) as err:
        check_budget(**kwargs)
    assert err.value.argument == argument


def test_redaction_masks_passwords_tokens_and_credential_parameters() -> None:
    url = "https://bob:hunter2@api.example.com:8443/v1/predict?api_key=K1&model=a&sig=S2"
    shown = redact_url(url)
    assert "hunter2" not in shown and "K1" not in shown and "S2" not in shown
    assert shown.startswith("https://bob:***@api.example.com:8443/v1/predict?")
    assert "model=***" in shown  # (every query value since hostile34b; its name kept)
    assert "tok" not in redact_url("http://tok@h/x") and redact_url("http://h/x") == "http://h/x"
    text = "assay fairness 'http://u:pw@h/p?access_token=T&password=P' --seed 1"
    assert (
        redact_text(text)
        == "assay fairness 'http://u:***@h/p?access_token=***&password=***' --seed 1"
    )
    assert redact_json({"a": ["http://u:pw@h/"], "b": 1}) == {"a": ["http://u:***@h/"], "b": 1}
    assert is_redacted(redact_text(text)) and not is_redacted("http://h/p")
    # a token in the path (a webhook's), but not names, versions, dates or UUIDs
    hook = "https://hooks.example.com/services/T0ABC/B0DEF/q8Xz3kLm9Pw2Rt7Yv4Nb6Hc1"
    assert redact_url(hook) == "https://hooks.example.com/services/T0ABC/B0DEF/***"
    plain = (
        "http://h:8080/v2/models/bert-base-uncased-2023/versions/"
        "123e4567-e89b-12d3-a456-426614174000/infer"
    )
    assert redact_url(plain) == plain


class _SlowCheckpoints(RunStore):
    """A store whose every checkpoint takes ``delay`` seconds (a large resume state)."""

    delay = 0.45

    def checkpoint(self, run_id: str, **kwargs: Any) -> None:
        time.sleep(self.delay)
        super().checkpoint(run_id, **kwargs)


def test_a_run_bounded_by_time_keeps_room_for_its_last_checkpoint(tmp_path: Any) -> None:
    """--max-time bounds the run with its ending: the search stops early enough for a last
    checkpoint as slow as the previous ones (before, the run ended one checkpoint late: at
    least ``delay`` over; the margin below is for a loaded machine's jitter, which once
    took 0.95 s in CI with 0.2 s checkpoints and a 4 s budget, under the tests run
    beside: the ending's reserve is at most a tenth of the budget)."""
    from test_core import Threshold, Toy

    store = _SlowCheckpoints(tmp_path / "s.db")
    store.create_run(
        run_id="r", technique="toy", seed=0, command="x", config={}, model={}, versions={}
    )
    began = time.monotonic()
    outcome = execute(
        Toy(steps=10**9),
        Threshold(),
        store=store,
        run_id="r",
        seed=0,
        max_time=10.0,
        commit_interval=0.5,
    )
    took = time.monotonic() - began
    assert outcome.status == "budget_exhausted" and outcome.stop_reason == "time"
    assert took <= 10.0 + 0.4, took


def test_time_running_out_while_a_checkpoint_waits_for_a_round_ends_the_run(
    tmp_path: Any,
) -> None:
    """A checkpoint waits for the round in flight (``flush``); when the time runs out there,
    the run ends as budget_exhausted with its findings (it escaped as an error: exit 2
    'time budget spent while the model was answering', seen under load in CI)."""
    from test_core import Counter, Threshold, Toy

    class OutAtCheckpoint(Counter):
        def flush(self) -> list[FindingBatch]:
            if self.i >= 20:
                raise BudgetExhausted("time spent while the model was answering", reason="time")
            return []

    class Technique(Toy):
        def search(self, model: BudgetedModel, rng: np.random.Generator) -> Counter:
            return OutAtCheckpoint(model, rng, self.steps)

    store = RunStore(tmp_path / "s.db")
    store.create_run(
        run_id="r", technique="toy", seed=0, command="x", config={}, model={}, versions={}
    )
    outcome = execute(
        Technique(steps=10**6), Threshold(), store=store, run_id="r", seed=0, commit_interval=0
    )
    assert outcome.status == "budget_exhausted" and outcome.stop_reason == "time"
    assert outcome.n_findings == store.count_findings("r") > 0
