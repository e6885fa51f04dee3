"""What ``assay resume`` finishes (``core.finishing``), and the caller's ``stop=`` heard by
the phases after a search (``core.stopping``, ``BudgetedModel(heed=...)``)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.budget import BudgetedModel
from assay.core.finishing import finishable, missing_parts, stored_outcome
from assay.core.integrity import check_fingerprints, file_fingerprint
from assay.core.interrupted import ANSWER_MISSING
from assay.core.model import Capabilities
from assay.core.run_record import RunRecord
from assay.core.stopping import StopHeard, asked_stop, heard_after_search, stopping
from assay.core.unfinished import KEY, reason
from assay.errors import UsageError


def _record(status: str, summary: dict[str, Any], technique: str = "fairness") -> RunRecord:
    return RunRecord(
        id="run-1",
        technique=technique,
        status=status,
        seed=1,
        command="assay fairness m.py:f",
        config={"answer": {"enabled": True}},
        model={},
        versions={},
        progress={"queries": 3000},
        summary=summary,
        error=None,
        created=0.0,
        updated=0.0,
        n_findings=5,
        max_severity=1.0,
    )


def test_what_an_ended_run_lacks() -> None:
    kept = {"verdict": [], KEY: ["determinism"], "incomplete_reason": reason(["determinism"])}
    assert missing_parts(_record("completed", kept)) == ["determinism"]
    answerless = {KEY: ["determinism", "retrain"], "incomplete_reason": ANSWER_MISSING}
    lacks = missing_parts(_record("budget_exhausted", answerless))
    assert lacks == ["answer", "determinism", "retrain"]
    # an interrupt there: the answer missing, its mark only
    assert missing_parts(_record("completed", {"incomplete_reason": ANSWER_MISSING})) == ["answer"]
    # a run whose search was stopped, or that ended whole, is not finished: resumed, refused
    assert not finishable(_record("interrupted", answerless))
    assert not finishable(_record("completed", {"verdict": []}))
    # an answer left out for --max-time is no missing part
    timed = {"warnings": ["the answer (verdict) was left out: --max-time ran out"]}
    assert missing_parts(_record("completed", {**timed, KEY: ["determinism"]})) == ["determinism"]


def test_the_stored_outcome_is_the_searchs() -> None:
    outcome = stored_outcome(_record("completed", {"stop_reason": "space covered"}))
    assert (outcome.status, outcome.n_findings, outcome.stop_reason) == (
        "completed",
        5,
        "space covered",
    )
    assert outcome.progress == {"queries": 3000}


class _Counted:
    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

    def __init__(self) -> None:
        self.calls = 0

    def predict(self, x: Any) -> np.ndarray:
        self.calls += 1
        return np.zeros(len(x), dtype=int)


def test_a_heeding_model_asks_nothing_once_the_stop_is_set() -> None:
    inner, stop = _Counted(), threading.Event()
    model = BudgetedModel(inner, heed=stop, cache_size=0)
    model.predict(np.zeros((3, 2)))
    stop.set()
    with pytest.raises(StopHeard):
        model.predict(np.zeros((3, 2)))
    with pytest.raises(StopHeard):
        model.predict_fresh(np.zeros((3, 2)))
    assert inner.calls == 1
    # without heed (the search's own model), the stop is the driver's to read
    plain = BudgetedModel(inner, cache_size=0)
    plain.predict(np.zeros((3, 2)))
    assert inner.calls == 2


def test_the_phases_after_a_search_hear_the_stop_only_when_it_ended() -> None:
    stop = threading.Event()
    stop.set()
    with stopping(stop):
        with heard_after_search(True):
            assert asked_stop() is stop
            raise StopHeard()  # ended the block quietly
        with heard_after_search(False):  # a stopped search: heard already
            assert asked_stop() is None
        assert asked_stop() is stop
    with pytest.raises(ValueError), heard_after_search(True):
        raise ValueError("other errors go on")


def test_a_changed_file_refuses_finishing_saying_what_to_do(tmp_path: Path) -> None:
    model = tmp_path / "m.skops"
    model.write_bytes(b"one")
    prints = {"model": file_fingerprint(str(model))}
    model.write_bytes(b"two")
    with pytest.raises(UsageError) as refused:
        check_fingerprints(prints, run_id="run-1", finishing=True)
    said = str(refused.value)
    assert "changed since run run-1" in said and "put the original file back" in said
    assert "--force" in said and "run the command again" in said
    assert check_fingerprints(prints, run_id="run-1", finishing=True, force=True)  # a note
