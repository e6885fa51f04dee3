"""left34: a Dask worker that goes away gracefully, or joins late, in the middle of a campaign.

A worker shutting down (``dask worker --lifetime``, a scheduler retiring it, SIGTERM) is
``closing`` for a while before its tasks are cancelled: the nanny is told first, an RPC.  A
unit that saw ``closing`` in that window stopped with ``UnitAbandoned``, and the worker,
still connected, reported it as the unit's error: the run ``failed`` ("its result is not
wanted any more") where Dask would have moved the unit to another worker.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_scale33_dask import _NO_ASSAY

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


class Slow:
    """The adult dataset's model, a little slow per call (a unit lasts seconds)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def predict_proba(self, x: Any) -> np.ndarray:
        time.sleep(0.02)
        return np.asarray(self.model.predict_proba(x))


@pytest.fixture(scope="module")
def tree() -> Any:
    from sklearn.tree import DecisionTreeClassifier

    from assay.datasets import load_dataset

    ds = load_dataset("adult")
    return DecisionTreeClassifier(random_state=0).fit(ds.X, ds.target)


def _campaign(
    model: Any, cluster: Any, store: Path, kw: dict[str, Any], out: dict[str, Any]
) -> threading.Thread:
    """A thread running the fairness campaign ``kw`` on ``cluster`` (its result or error in
    ``out``), started."""
    from assay import check_fairness

    def run() -> None:
        try:
            out["result"] = check_fairness(
                model, executor="dask", scheduler=cluster.scheduler_address, store=store, **kw
            )
        except Exception as exc:  # (the test's failure, said by the test)
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _busy(cluster: Any, n: int, deadline: float) -> list[str]:
    """The workers running a unit, once ``n`` of them are (a failure after ``deadline``)."""
    while time.monotonic() < deadline:
        busy = [
            address
            for address, ws in cluster.scheduler.workers.items()
            if any("assay-unit" in str(ts.key) for ts in ws.processing)
        ]
        if len(busy) >= n:
            return sorted(busy)
        time.sleep(0.1)
    raise AssertionError(f"fewer than {n} workers ever ran a unit")


def test_a_unit_on_a_worker_shutting_down_moves_to_another(
    tree: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from distributed.worker_state_machine import BaseWorker

    from assay import check_fairness

    close = BaseWorker.close

    async def slow_close(self: Any, *args: Any, **kw: Any) -> Any:
        await asyncio.sleep(3.0)  # (a nanny slow to answer: the worker ``closing`` meanwhile)
        return await close(self, *args, **kw)

    monkeypatch.setattr(BaseWorker, "close", slow_close)
    kw: dict[str, Any] = dict(
        dataset="adult", protected="sex", max_queries=30_000, seed=4, units=2, answer=False
    )
    out: dict[str, Any] = {}
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=":0",
        silence_logs=logging.CRITICAL,
    ) as cluster:
        thread = _campaign(Slow(tree), cluster, tmp_path / "r.db", kw, out)
        retired = _busy(cluster, 2, time.monotonic() + 120)[0]
        time.sleep(0.5)
        worker = next(w for w in cluster.workers.values() if w.address == retired)
        cluster.loop.add_callback(worker.close, reason="retired by the test")
        thread.join(300)
    assert "error" not in out, out.get("error")
    result = out["result"]
    assert result.status in ("completed", "budget_exhausted")
    units = result.summary["units"]
    assert len(units["queries"]) == 2  # both units ended
    assert retired not in units["workers"]  # the retired worker's unit ended elsewhere
    here = check_fairness(Slow(tree), store=tmp_path / "r.db", **kw)
    assert result.n_findings == here.n_findings > 0


class Gated:
    """The model, answering on the workers only once the file ``gate`` exists (here, in the
    client's process, at once)."""

    def __init__(self, model: Any, gate: Path) -> None:
        self.model, self.gate, self.client = model, gate, os.getpid()

    def predict_proba(self, x: Any) -> np.ndarray:
        while os.getpid() != self.client and not self.gate.exists():
            time.sleep(0.05)
        return np.asarray(self.model.predict_proba(x))


_OTHER_ASSAY = "import assay\nassay.__version__ = '9.9.9'\n"


def _added(cluster: Any) -> set[str]:
    """The workers that ever joined the cluster (those that died since too)."""
    events = cluster.scheduler.get_events("all")
    return {str(m["worker"]) for _, m in events if m.get("action") == "add-worker"}


def _late_worker(address: str, preload: Path, log: Path) -> subprocess.Popen[bytes]:
    import assay

    env = {**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])}
    command = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1"]
    command += ["--no-dashboard", "--preload", str(preload)]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def test_workers_joining_mid_run_without_this_assay_get_no_unit(tree: Any, tmp_path: Path) -> None:
    """A worker joining after the check at the start: one that cannot import assay died on
    its first unit (run again, until ``KilledWorker``); one with another assay ran units with
    its own code.  Now neither is given a unit; both are named, and left running."""
    from assay import check_fairness

    (tmp_path / "no_assay.py").write_text(_NO_ASSAY)
    (tmp_path / "other_assay.py").write_text(_OTHER_ASSAY)
    gate = tmp_path / "gate"
    kw: dict[str, Any] = dict(
        dataset="adult", protected="sex", max_queries=8000, seed=5, units=8, answer=False
    )
    out: dict[str, Any] = {}
    late: list[subprocess.Popen[bytes]] = []
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=":0", silence_logs=logging.CRITICAL
    ) as cluster:
        thread = _campaign(Gated(tree, gate), cluster, tmp_path / "r.db", kw, out)
        try:
            _busy(cluster, 1, time.monotonic() + 120)  # the first unit waits at the gate
            before = set(cluster.scheduler.workers)
            for name in ("no_assay", "other_assay"):
                late.append(
                    _late_worker(
                        cluster.scheduler_address, tmp_path / f"{name}.py", tmp_path / name
                    )
                )
            seen: set[str] = set()  # (on main, the worker without assay died on a unit)
            deadline = time.monotonic() + 60
            while len(seen) < 2 and time.monotonic() < deadline:
                seen |= _added(cluster) - before
                time.sleep(0.1)
            joined = sorted(seen)
            time.sleep(3.0)  # (the executor's watch looks every 2 s)
            gate.touch()
            thread.join(300)
            alive = [p.poll() is None for p in late]
            still = sorted(cluster.scheduler.workers)
        finally:
            gate.touch()
            for p in late:
                p.terminate()
                p.wait(30)
    assert len(joined) == 2, "the late workers did not join"
    assert "error" not in out, out.get("error")
    result = out["result"]
    units = result.summary["units"]
    assert len(units["queries"]) == 8
    assert not set(units["workers"]) & set(joined)  # no unit ran on them
    refused = units["refused_workers"]
    assert len(refused) == 2 and {r.split()[0] for r in refused} == set(joined)
    assert any("No module named 'assay'" in r for r in refused)
    assert any("assay 9.9.9" in r for r in refused)
    assert all(alive) and set(joined) <= set(still)  # the user's workers, left running
    here = check_fairness(tree, store=tmp_path / "r.db", **kw)
    assert result.n_findings == here.n_findings > 0
