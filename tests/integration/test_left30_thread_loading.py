"""left30: an API call on a thread other than the main one (a web server's worker), where no
alarm can be used, still ends its loading at ``max_time``: the loading runs on a daemon
thread waited for until the deadline (before: it ran to its end, 8 s of a 2 s budget, and
the call went on).  Loading that ends in time, or fails, is the caller's as before."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.core.loading_time import load_within

SLOW = 8.0


def fair(x: Any) -> np.ndarray:
    return (np.asarray(x, dtype=np.float64)[:, 0] > 30).astype(np.int64)


def _frame() -> Any:
    import pandas as pd

    rng = np.random.default_rng(0)
    x = np.column_stack([rng.integers(0, 50, 300), rng.integers(0, 2, 300)])
    return pd.DataFrame(x, columns=["x", "sex"])


def test_loading_on_a_servers_thread_ends_at_max_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assay.fairness.check as fairness_check

    loaded = fairness_check.setup_fairness

    def slow_setup(*args: object, **kwargs: object) -> object:
        setup = loaded(*args, **kwargs)
        time.sleep(SLOW)  # (an import, a data file's read: nothing asks the clock)
        return setup

    monkeypatch.setattr(fairness_check, "setup_fairness", slow_setup)
    began = time.monotonic()
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(
            assay.check_fairness,
            fair,
            data=_frame(),
            protected="sex",
            max_time=2.0,
            seed=1,
            store=tmp_path / "r.db",
        )
        with pytest.raises(assay.UsageError) as err:
            future.result()
    took = time.monotonic() - began
    assert err.value.argument == "max_time"
    assert "nothing was tested" in str(err.value) and "in the background" in str(err.value)
    assert took < SLOW / 2, took  # (before: the call went on after the 8 s)
    assert not (tmp_path / "r.db").exists()


def _on_thread(fn: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn).result()


def test_loading_in_time_or_failing_on_a_thread_is_the_callers() -> None:
    assert _on_thread(lambda: load_within(5.0, time.monotonic(), what="x", load=lambda: 7)) == 7

    def broken() -> int:
        raise assay.UsageError("no such file", argument="--data")

    with pytest.raises(assay.UsageError, match="no such file"):
        _on_thread(lambda: load_within(5.0, time.monotonic(), what="x", load=broken))


def test_the_run_deadline_is_set_inside_the_loading_thread() -> None:
    from assay.core.deadline import time_left

    def read() -> float | None:
        left = time_left()
        return None if left is None else left()

    left = _on_thread(lambda: load_within(5.0, time.monotonic(), what="x", load=read))
    assert left is not None and 0 < left <= 5.0
