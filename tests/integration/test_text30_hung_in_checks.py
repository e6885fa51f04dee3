"""A call that timed out in the determinism checks (the probe before the search, the re-check
after it) did not name the classifier it was waiting for: the run said "the model did not
answer within 1.5 s" where the search's own calls name it ("classifier stuck: ...").  The
checks now name it too, in a worker process and in a thread alike."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from assay.core.store import RunStore
from assay.errors import ModelError
from assay.text.api import check_text

GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'
RELEASE = threading.Event()
FLAG = {"path": ""}  # a file: its existence makes ``stuck`` hang (seen by a forked worker)


def quick(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


quick.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def stuck(batch: Sequence[str]) -> list[str]:
    if os.path.exists(FLAG["path"]):
        os.remove(FLAG["path"])  # (once: the search after the probe is answered)
        RELEASE.wait(8)
    return ["pos" if "good" in s and "tea" not in s else "neg" for s in batch]


stuck.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _release() -> Any:
    RELEASE.clear()
    yield None
    RELEASE.set()


@pytest.mark.parametrize(
    ("mode", "when"),
    # (a worker process stuck in the probe's call is replaced for the search: text31)
    [("thread", "before"), ("process", "before"), ("process", "after"), ("thread", "after")],
)
def test_a_classifier_hung_in_the_checks_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str, when: str
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", mode)
    FLAG["path"] = str(tmp_path / "hang")
    phases: list[str] = []

    def arm(p: dict[str, Any]) -> None:
        phases.append(str(p.get("phase")))
        if p.get("phase") == "checks" and "search" in phases:  # the re-check's calls
            Path(FLAG["path"]).touch()

    def arm_at_start(*_: Any) -> None:  # the run exists: its next call is the probe's
        Path(FLAG["path"]).touch()

    store = RunStore(tmp_path / "runs.db")
    # (a worker process still stuck in the probe's call may fail the search after it: named)
    with contextlib.suppress(ModelError):
        check_text(
            [quick, stuck], grammar=GRAMMAR, max_queries=300, seed=1, call_timeout=1.5,
            store=store, on_progress=arm if when == "after" else None,
            on_start=arm_at_start if when == "before" else None,
        )  # fmt: skip
    (record,) = store.list_runs()
    said = str(store.get_run(record.id).summary.get("determinism"))
    assert "did not answer within 1.5 s" in said, said
    assert "classifier stuck: " in said, said
