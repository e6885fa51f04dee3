"""A differential run of several classifiers, one of which hangs during the search, ended
"the model did not answer within 4 s (--call-timeout); it may be hung" without saying which
classifier: the others raise, answer the wrong shape or exit under their names.  The message
(and the run's stored error) now names it, in a worker process and in a thread alike."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.errors import ModelError
from assay.text.api import check_text

GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'
RELEASE = threading.Event()


def quick(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


quick.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def stuck(batch: Sequence[str]) -> list[str]:
    if len(batch) > 2:  # (loading's probe of 2 is answered)
        RELEASE.wait(30)
    return quick(batch)


stuck.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _release() -> object:
    RELEASE.clear()
    yield None
    RELEASE.set()


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_the_classifier_that_hung_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", mode)
    store = RunStore(tmp_path / "runs.db")
    with pytest.raises(ModelError, match=r"classifier stuck: .*did not answer within 1\.5 s"):
        check_text(
            [quick, stuck], grammar=GRAMMAR, max_queries=300, seed=1, call_timeout=1.5,
            store=store, determinism_check=False,
        )  # fmt: skip
    (record,) = store.list_runs()
    assert record.status == "failed" and "classifier stuck" in str(record.error)
