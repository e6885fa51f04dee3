"""A hostile user's Dask campaigns: a scheduler address that is not one, or that nobody
answers, or that has no worker; a model that does not pickle; workers that all die at once
or die on every unit (the model crashes them); a Ctrl-C mid-campaign.  Each is a clear
error naming what and where, a non-zero exit, and nothing found lost; never a traceback,
never a hang, never a run left 'running'."""

from __future__ import annotations

import _thread
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

from assay.api import check_fairness, setup_fairness
from assay.cli.app import app, register
from assay.core.run import RunInterrupted
from assay.core.store import RunStore, new_run_id
from assay.core.units import Unit, UnitResult, execute_units
from assay.datasets import load_dataset
from assay.errors import ModelError, UsageError

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow

register()
runner = CliRunner()
SEED, UNITS, QUERIES = 5, 6, 12_000


@pytest.fixture(scope="module")
def tree() -> DecisionTreeClassifier:
    adult = load_dataset("adult")
    return DecisionTreeClassifier(random_state=0).fit(adult.X, adult.target)


def _findings(store: RunStore, run_id: str) -> list[bytes]:
    """The run's findings, each as its inputs' bytes, in one order whatever found them."""
    return sorted(row.tobytes() for b in store.iter_batches(run_id) for row in b.inputs)


def _new_run(store: RunStore) -> str:
    run_id = new_run_id("fairness")
    store.create_run(
        run_id=run_id, technique="fairness", seed=SEED, command="", config={}, model={},
        versions={},
    )  # fmt: skip
    return run_id


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    "address", ["nonsense", "http://host:8786", "tcp://host", "tcp://host:0", "tcp://:8786"]
)
def test_a_scheduler_address_that_is_not_one_exits_2_before_loading(
    address: str, tmp_path: Path
) -> None:
    store = tmp_path / "r.db"
    res = runner.invoke(
        app,
        ["fairness", "--dataset", "adult", "--max-queries", "500", "--store", str(store),
         "--executor", "dask", "--scheduler", address],
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "--scheduler" in res.output and "not a Dask scheduler address" in res.output
    assert "internal error" not in res.output
    assert not store.exists()  # refused before anything was loaded or stored


def test_a_scheduler_nobody_answers_is_said_at_once(tmp_path: Path) -> None:
    from assay.execution.dask import DaskUnits

    address = f"tcp://127.0.0.1:{_free_port()}"
    runner_ = DaskUnits(scheduler=address)
    began = time.monotonic()
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler") as err:
        runner_.start()
    assert err.value.argument in ("scheduler", "--scheduler")
    assert time.monotonic() - began < 5  # a refused connection, not 20 s of retries


def test_a_scheduler_with_no_worker_is_an_error_not_a_hang(tree, tmp_path, monkeypatch) -> None:
    import distributed

    from assay.execution import dask as dask_units

    monkeypatch.setattr(dask_units, "WORKER_WAIT", 2.0)
    store = RunStore(tmp_path / "r.db")
    cluster = distributed.LocalCluster(n_workers=0, dashboard_address=":0", processes=False)
    with cluster, pytest.raises(UsageError, match="has no worker") as err:
        check_fairness(
            tree, dataset="adult", protected="sex", max_queries=2000, seed=SEED,
            store=store, executor="dask", scheduler=cluster.scheduler_address,
        )  # fmt: skip
    assert err.value.argument in ("scheduler", "--scheduler")
    (record,) = store.list_runs()
    assert record.status == "failed"  # never left 'running'


class Locked:
    """A model holding a lock: it answers here, but cannot be pickled."""

    def __init__(self, tree: Any) -> None:
        self.tree, self.lock = tree, threading.Lock()

    def predict(self, x: Any) -> np.ndarray:
        with self.lock:
            return np.asarray(self.tree.predict(x))


def test_a_model_that_does_not_pickle_is_a_usage_error(tree, tmp_path: Path) -> None:
    store = RunStore(tmp_path / "r.db")
    with pytest.raises(UsageError, match=r"cannot be sent to the Dask workers.*pickl") as err:
        check_fairness(
            Locked(tree), dataset="adult", protected="sex", max_queries=2000, seed=SEED,
            store=store, executor="dask", workers=1,
        )  # fmt: skip
    assert err.value.argument in ("executor", "--executor")
    assert "_thread.lock" in str(err.value)
    assert store.list_runs() == []  # refused before a run was made (docs38: was left failed)


class KillAll:
    """Kills every worker (kill -9) once, after the first unit comes back."""

    killed: ClassVar[list[int]] = []

    @staticmethod
    def wrap(base: Any) -> Any:
        class _Kill(base):  # type: ignore[misc, valid-type]
            def run(
                self, technique: Any, model: Any, units: Sequence[Unit]
            ) -> Iterator[UnitResult]:
                for result in super().run(technique, model, units):
                    if not KillAll.killed:
                        for pid in self.client.run(os.getpid).values():
                            os.kill(pid, signal.SIGKILL)
                            KillAll.killed.append(pid)
                    yield result

        return _Kill


def test_every_worker_killed_at_once_costs_only_time(tree, tmp_path: Path) -> None:
    """The technique and the model live in tasks, not scattered data: when the last worker
    holding them dies, the nanny's new workers load them again (scattered, they were lost for
    good, and the run failed as an internal error)."""
    from assay.execution.dask import DaskUnits

    store = RunStore(tmp_path / "r.db")
    setup = setup_fairness(tree, dataset="adult", protected="sex")
    kw: dict[str, Any] = dict(
        store=store, seed=SEED, n_units=UNITS, max_queries=QUERIES,
        merge=setup.test.merge_summaries,
    )  # fmt: skip
    from assay.core.units import InProcessUnits

    here_id = _new_run(store)
    here = execute_units(setup.test, setup.model, run_id=here_id, executor=InProcessUnits(), **kw)
    run_id = _new_run(store)
    executor = KillAll.wrap(DaskUnits)(workers=2)
    try:
        there = execute_units(setup.test, setup.model, run_id=run_id, executor=executor, **kw)
    finally:
        executor.close()
    assert KillAll.killed, "no worker was killed"
    assert there.status == here.status == "completed"
    assert here.n_findings > 0
    assert _findings(store, run_id) == _findings(store, here_id)


class CrashesOnWorkers:
    """Answers in the client's process; kills its own process anywhere else (a segfault)."""

    def __init__(self, tree: Any) -> None:
        self.tree, self.client = tree, os.getpid()

    def predict(self, x: Any) -> np.ndarray:
        if os.getpid() != self.client:
            os.kill(os.getpid(), signal.SIGKILL)
        return np.asarray(self.tree.predict(x))


def test_a_model_that_kills_its_workers_is_a_model_error(tree, tmp_path: Path) -> None:
    store = RunStore(tmp_path / "r.db")
    with pytest.raises(ModelError, match="Dask workers that ran it died"):
        check_fairness(
            CrashesOnWorkers(tree), dataset="adult", protected="sex", max_queries=4000,
            seed=SEED, store=store, executor="dask", workers=2, units=2,
        )  # fmt: skip
    (record,) = store.list_runs()
    assert record.status == "failed"
    assert "died" in (record.error or "")


def test_ctrl_c_mid_campaign_leaves_it_interrupted_and_resumable(tree, tmp_path: Path) -> None:
    """A Ctrl-C while units are out: the run is 'interrupted' (not 'running' for ever: the
    API has no command line to finish it), its committed units kept; a resume completes it
    with the findings of a run never interrupted."""
    from assay.core.units import InProcessUnits

    store = RunStore(tmp_path / "r.db")
    setup = setup_fairness(tree, dataset="adult", protected="sex")

    class CtrlC(InProcessUnits):
        def run(self, technique: Any, model: Any, units: Sequence[Unit]) -> Iterator[UnitResult]:
            for n, result in enumerate(super().run(technique, model, units)):
                if n == 2:
                    raise KeyboardInterrupt
                yield result

    kw: dict[str, Any] = dict(
        store=store, seed=SEED, n_units=UNITS, max_queries=QUERIES,
        merge=setup.test.merge_summaries,
    )  # fmt: skip
    run_id = _new_run(store)
    with pytest.raises(RunInterrupted):
        execute_units(setup.test, setup.model, run_id=run_id, executor=CtrlC(), **kw)
    record = store.get_run(run_id)
    assert record.status == "interrupted"
    assert record.progress["units_done"] == 2
    resumed = execute_units(
        setup.test, setup.model, run_id=run_id, executor=InProcessUnits(), resume=True, **kw
    )
    clean_id = _new_run(store)
    clean = execute_units(setup.test, setup.model, run_id=clean_id, executor=InProcessUnits(), **kw)
    assert resumed.status == clean.status == "completed"
    assert _findings(store, run_id) == _findings(store, clean_id)


class _Beats:
    """A slow toy model (processes=False: the test reads its calls): 20 ms a call."""

    calls: ClassVar[list[float]] = []

    def __init__(self) -> None:
        from assay.core.model import Capabilities

        self.capabilities = Capabilities(modality="tabular", n_classes=None, outputs="labels")

    def predict(self, x: Any) -> np.ndarray:
        time.sleep(0.02)
        _Beats.calls.append(time.monotonic())
        return np.asarray(x).sum(axis=1)


class _Long:
    """A toy technique whose units ask the model 1,500 times (30 s at 20 ms a call)."""

    name = "long"

    def config(self) -> dict[str, Any]:
        return {}

    def search(self, model: Any, rng: np.random.Generator) -> Any:
        from assay.core.findings import FindingBatch

        class Search:
            left = 1500

            @property
            def done(self) -> bool:
                return self.left == 0

            def step(self) -> list[FindingBatch]:
                self.left -= 1
                x = rng.integers(0, 1 << 20, size=(4, 2))
                return [FindingBatch("long", x, model.predict(x)[:, None], np.ones(4))]

            def flush(self) -> list[FindingBatch]:
                return []

            progress = summary = dict  # (no counters, nothing beyond the findings)

        return Search()


def test_a_cancelled_campaign_stops_its_units_on_the_cluster(tmp_path: Path) -> None:
    """Ctrl-C on a campaign run on an existing cluster: the unit running there stops within
    a couple of seconds (a cancelled Dask task runs to its end otherwise: the model was
    asked for the whole unit's budget, for nobody)."""
    import distributed

    from assay.execution.dask import DaskUnits

    def ctrl_c_once_asked() -> None:  # a Ctrl-C once the first unit asks its model
        while not _Beats.calls:
            time.sleep(0.05)
        _thread.interrupt_main()

    store = RunStore(tmp_path / "r.db")
    run_id = _new_run(store)
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    executor = DaskUnits(scheduler=cluster.scheduler_address)
    threading.Thread(target=ctrl_c_once_asked, daemon=True).start()
    with cluster:
        try:
            with pytest.raises(RunInterrupted):
                execute_units(
                    _Long(), _Beats(), store=store, run_id=run_id, seed=SEED, n_units=2,
                    executor=executor,
                )  # fmt: skip
        finally:
            executor.close()
        stopped = time.monotonic()
        time.sleep(4)
        assert _Beats.calls and _Beats.calls[-1] < stopped + 3  # no call 3 s after
    assert store.get_run(run_id).status == "interrupted"


class _FakeClient:
    """What ``_Watch`` asks of a client: the scheduler's workers (or a lost scheduler)."""

    def __init__(self, workers: int | None) -> None:
        self.workers = workers

    def scheduler_info(self) -> dict[str, Any]:
        if self.workers is None:
            raise OSError("Timed out trying to connect to tcp://10.0.0.5:8786")
        return {"workers": {f"tcp://w{i}": {} for i in range(self.workers)}}


def _out() -> list[Unit]:
    return [Unit(i, 4, SEED, None, 10.0) for i in (1, 3)]


def test_units_late_past_the_time_budget_end_the_wait(monkeypatch) -> None:
    from assay.errors import ClusterError
    from assay.execution import dask as dask_units

    watch = dask_units._Watch(_FakeClient(2), deadline=time.monotonic() - 1)
    with pytest.raises(ClusterError, match="units 2, 4 had not ended well after"):
        watch.check(_out())


@pytest.mark.parametrize("workers", [0, None])
def test_a_cluster_without_workers_or_scheduler_mid_run_ends_the_wait(
    monkeypatch, workers: int | None
) -> None:
    from assay.errors import ClusterError
    from assay.execution import dask as dask_units

    monkeypatch.setattr(dask_units, "WORKER_WAIT", 0.0)
    monkeypatch.setattr(dask_units, "_WATCH", 0.0)
    watch = dask_units._Watch(_FakeClient(workers), deadline=None)
    what = "no worker for 0 s" if workers == 0 else "lost the Dask scheduler"
    with pytest.raises(ClusterError, match=what):
        watch.check(_out())
        time.sleep(0.01)
        watch.check(_out())  # (no worker: seen once, then for WORKER_WAIT)
    assert dask_units._Watch(_FakeClient(1), deadline=None).check(_out()) is None
