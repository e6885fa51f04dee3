"""hostile27b (twenty-sixth session): assay's API run inside other programs.

``assay.check_text`` in a ``multiprocessing.Pool`` worker failed with an internal
``AssertionError: daemonic processes are not allowed to have children``: the classifiers'
worker process is forked through ``multiprocessing``, which refuses a pool's (daemonic)
worker any child.  Such a process now runs the classifiers on a thread, as it does where
forking is unsafe, and says why; the findings are those of the same run anywhere else.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import assay


def _negation_blind(batch: list[str]) -> list[str]:
    return ["pos" if "good" in s or "great" in s else "neg" for s in batch]


def _negation_aware(batch: list[str]) -> list[str]:
    return ["pos" if ("good" in s or "great" in s) and "not" not in s else "neg" for s in batch]


def _text_run(store: str) -> tuple[str, int, dict[str, Any], list[str]]:
    result = assay.check_text(
        [_negation_blind, _negation_aware],
        grammar="builtin:reviews",
        max_queries=2_000,
        seed=1,
        store=store,
    )
    found = sorted(str(s) for s in result.findings()["minimal"])
    return result.status, result.n_findings, result.summary["classifiers answered in"], found


def test_a_text_run_in_a_pool_worker_answers_on_a_thread(tmp_path: Path) -> None:
    with multiprocessing.get_context("fork").Pool(1) as pool:
        status, n, where, found = pool.apply(_text_run, (str(tmp_path / "pool.db"),))
    assert status in ("completed", "budget_exhausted")
    assert where["mode"] == "thread" and "daemonic" in where["why"], where
    # the same findings as the same run in this (non-daemonic) process
    here = _text_run(str(tmp_path / "here.db"))
    assert (n, found) == (here[1], here[3]) and n > 0
