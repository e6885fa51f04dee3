"""left40 (api39's Left 3): two API calls at once on two threads share the process's
folder.  A call that began while the other's model had the process in its own folder (a
model that chdirs in its calls) took that folder for the caller's: its relative ``store=``
was opened there, and when it ended it put the process back there, so the program was left
in the model's folder after both calls returned.  A call beginning while another runs now
takes the first call's folder (``core.workdir.held``), and a relative path is anchored to the
folder of the call made on its thread (``anchored``), whatever the process's folder at that
moment.  Fails on main (``b.db`` in the model's folder, the program left there)."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay

pytestmark = pytest.mark.slow


def test_a_call_begun_while_anothers_model_moved_keeps_the_callers_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, away = tmp_path / "notebook", tmp_path / "away"
    here.mkdir()
    away.mkdir()
    monkeypatch.chdir(here)
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 10, 300), rng.integers(0, 2, 300)])
    people = here / "people.csv"  # (absolute: read at once, not a path anchored at entry)
    people.write_text("x,sex\n" + "\n".join(f"{a},{b}" for a, b in rows) + "\n")
    inside, began, a_done = threading.Event(), threading.Event(), threading.Event()

    def moving(X: Any) -> Any:
        """A's model: moves the process to its folder in each call; its first call waits
        there until B has begun (B's model called)."""
        os.chdir(away)
        if not inside.is_set():
            inside.set()
            began.wait(60)
        X = np.asarray(X, dtype=float)
        return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)

    calls = [0]

    def plain(X: Any) -> Any:
        """B's model: its first call lets A go on; a later one waits for A to have returned
        (so that B ends last, and its end's folder is the program's)."""
        calls[0] += 1
        began.set()
        if calls[0] == 5:
            a_done.wait(120)
        X = np.asarray(X, dtype=float)
        return ((X[:, 0] > 4) & (X[:, 1] > 0)).astype(np.int64)

    outcome: dict[str, Any] = {}

    def a() -> None:
        try:
            outcome["a"] = assay.check_fairness(
                moving, dataset="adult", protected="sex", max_queries=1_500, seed=1, store="a.db"
            ).status
        except BaseException as exc:  # (said by the assertion below)
            outcome["a"] = exc
        finally:
            a_done.set()

    worker = threading.Thread(target=a)
    worker.start()
    assert inside.wait(120)  # (A's model is in its first call: the process in its folder)
    outcome["b"] = assay.check_fairness(
        plain, data=str(people), protected="sex", max_queries=1_500, seed=1, store="b.db"
    )
    worker.join(120)
    assert outcome["a"] == "completed", outcome
    assert outcome["b"].store == here / "b.db"  # (main: away/b.db)
    assert (here / "a.db").is_file() and not list(away.iterdir())
    assert Path.cwd() == here  # (main: the model's folder, put back by B as its own)
