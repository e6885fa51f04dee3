"""left28: one ``RunStore`` object shared by a run and the caller's own threads (a web app
that lists and deletes runs while a check runs; a notebook's background refresh).

Before, every thread's statements went through the store's one SQLite connection: the other
thread's ``list_runs``/``delete_runs`` landed inside the run's checkpoint transaction, and
the run ended with ``StoreError: ... cannot commit transaction - SQL statements in progress``,
left ``running`` in the store.  Now a thread other than the store's own gets a connection of
its own to the same file (``RunStore._db``).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile27b_models import by_sex, people

import assay


def test_the_callers_threads_use_a_store_while_a_run_checkpoints_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_CHECKPOINT_SECONDS", "0.01")  # a checkpoint every step or so
    common = {"data": people(), "protected": ["sex"]}
    clean = assay.check_fairness(
        by_sex, max_queries=20_000, seed=9, store=tmp_path / "clean.db", **common
    )
    with assay.RunStore(tmp_path / "runs.db") as store:
        old = [
            assay.check_fairness(
                by_sex, max_queries=300, seed=i, store=store, answer=False, **common
            ).run_id
            for i in range(4)
        ]
        errors: list[BaseException] = []
        listed: list[int] = []
        ended = threading.Event()

        def callers_thread() -> None:
            while not ended.is_set():
                try:
                    listed.append(len(store.list_runs()))
                    if old:
                        assay.delete_runs(old.pop(), store=store)
                except BaseException as exc:
                    errors.append(exc)
                    return

        def patient(rows: Any) -> np.ndarray:
            # the run's calls wait a little while the caller's thread still has runs to
            # delete, so that every deletion falls inside the run on a loaded machine too
            # (CI run 94: the run ended after two of the four)
            if old and not ended.is_set():
                time.sleep(0.02)
            return by_sex(rows)

        thread = threading.Thread(target=callers_thread)
        thread.start()
        try:
            result = assay.check_fairness(
                patient, max_queries=20_000, seed=9, store=store, **common
            )
        finally:
            ended.set()
            thread.join(30)
        assert errors == []
        assert listed and not old
        assert result.status == clean.status and result.n_findings == clean.n_findings
        assert [r.id for r in store.list_runs()] == [result.run_id]


def test_a_read_only_store_is_read_from_any_thread(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    run = assay.check_fairness(
        by_sex, data=people(), protected=["sex"], max_queries=300, seed=1, store=path
    )
    with assay.RunStore(path, read_only=True) as store:
        seen: list[object] = []
        thread = threading.Thread(target=lambda: seen.append(store.get_run(run.run_id).status))
        thread.start()
        thread.join(30)
        assert seen == [run.status]
