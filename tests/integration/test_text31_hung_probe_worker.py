"""A classifier that hung in the determinism probe before the search, in the forked worker
process: the probe gave up on the call, but the worker was still inside it, so the search's
first call waited behind it and the run failed there ("classifier stuck: ... did not answer"),
with no determinism section saying the check at the start was skipped, nor why.  The search
now gets a worker of its own: the run goes on, and its report says which classifier hung in
the check at the start."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text
from assay.text.pipeline import worker_mode

GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'
FLAG = {"path": ""}  # a file: its existence makes ``stuck`` hang once (seen by the worker)


def quick(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


quick.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def stuck(batch: Sequence[str]) -> list[str]:
    if os.path.exists(FLAG["path"]):
        os.remove(FLAG["path"])  # (once: the calls after the probe's are answered)
        time.sleep(30)  # (the worker is killed long before)
    return ["pos" if "good" in s and "tea" not in s else "neg" for s in batch]


stuck.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_classifier_hung_in_the_probe_of_a_worker_is_named_and_the_run_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "process")
    if worker_mode()[0] != "process":
        pytest.skip("no forked worker on this system")
    FLAG["path"] = str(tmp_path / "hang")

    def arm_at_start(*_: Any) -> None:  # the run exists: its next call is the probe's
        Path(FLAG["path"]).touch()

    store = RunStore(tmp_path / "runs.db")
    started = time.monotonic()
    result = check_text(
        [quick, stuck], grammar=GRAMMAR, max_queries=300, seed=1, call_timeout=1.5,
        store=store, on_start=arm_at_start,
    )  # fmt: skip
    assert time.monotonic() - started < 25  # (the hung call was not waited for)
    record = store.get_run(result.run_id)
    assert record.status == "completed", record.error
    probe = record.summary["determinism"]["probe"]
    assert "classifier stuck: " in probe["skipped"], probe
    assert "did not answer within 1.5 s" in probe["skipped"], probe
    text = " ".join(s["text"] for s in record.summary["sections"] if s["title"] == "Determinism")
    assert "The check at the start could not be made: classifier stuck: " in text, text
    assert result.n_findings >= 1  # (the search ran: stuck is blind to "tea")
