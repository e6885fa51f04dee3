"""A notebook's loop of ``check_text`` calls kept two file descriptors open per run: the
classifiers' worker process was ended but its ``multiprocessing.Process`` object was not
closed, so its sentinel pipe stayed open until the cyclic collector (paused during the
search's rounds) happened to free it: 25 runs, 56 descriptors; a loop of a few hundred runs
ends with "Too many open files"."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.text.api import check_text

GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'


def first(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


def second(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s and "tea" not in s else "neg" for s in batch]


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_runs_in_a_loop_leave_no_descriptor_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "process")  # (the worker whose pipe was left)
    store = RunStore(tmp_path / "runs.db")
    check_text([first, second], grammar=GRAMMAR, max_queries=100, seed=0, store=store)
    before = _open_descriptors()
    for seed in range(1, 9):
        r = check_text([first, second], grammar=GRAMMAR, max_queries=100, seed=seed, store=store)
        assert r.n_findings > 0
    assert _open_descriptors() <= before + 1, os.listdir("/proc/self/fd")
