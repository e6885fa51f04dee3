"""A model that kills its Dask workers is the model's failure even when the cluster's new
workers start slower than the client waits for an empty cluster (CI run 130: at load 8 the
run ended as "the Dask cluster has had no worker for 30 s ... assay resume runs the others",
a resume that would only meet the same crash)."""

from __future__ import annotations

import os
import signal
import time
from types import SimpleNamespace
from typing import Any

import pytest

from assay.core.units import Unit
from assay.errors import ClusterError, ModelError

pytest.importorskip("distributed")


class _Client:
    """The workers the scheduler lists (none) and, if given, its tasks' death counts."""

    def __init__(self, suspicious: dict[str, int] | None) -> None:
        self.suspicious = suspicious

    def scheduler_info(self) -> dict[str, Any]:
        return {"workers": {}}

    def run_on_scheduler(self, fn: Any) -> Any:
        if self.suspicious is None:
            raise RuntimeError("this scheduler runs no client code")
        tasks = {k: SimpleNamespace(suspicious=n) for k, n in self.suspicious.items()}
        return fn(dask_scheduler=SimpleNamespace(tasks=tasks))


def _watch(monkeypatch: pytest.MonkeyPatch, client: _Client) -> Any:
    from assay.execution import dask as dask_units

    monkeypatch.setattr(dask_units, "WORKER_WAIT", 0.0)
    monkeypatch.setattr(dask_units, "_WATCH", 0.0)
    keys = {1: "assay-unit-1", 3: "assay-unit-3"}
    return dask_units._Watch(client, deadline=None, keys=keys)


def _out() -> list[Unit]:
    return [Unit(i, 4, 5, None, 10.0) for i in (1, 3)]


def _check_twice(watch: Any) -> None:
    watch.check(_out())
    time.sleep(0.01)
    watch.check(_out())  # (no worker: seen once, then for WORKER_WAIT)


def test_an_empty_cluster_whose_workers_died_under_the_units_is_the_models_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    watch = _watch(monkeypatch, _Client({"assay-unit-1": 2, "assay-unit-3": 0}))
    with pytest.raises(ModelError, match=r"unit 2 of 4: the Dask workers that ran it died 2 times"):
        _check_twice(watch)


@pytest.mark.parametrize("suspicious", [{"assay-unit-1": 0}, None])
def test_an_empty_cluster_with_no_death_counted_stays_a_cluster_error(
    monkeypatch: pytest.MonkeyPatch, suspicious: dict[str, int] | None
) -> None:
    watch = _watch(monkeypatch, _Client(suspicious))
    with pytest.raises(ClusterError, match="no worker for 0 s"):
        _check_twice(watch)


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.slow
def test_a_real_scheduler_counts_the_deaths_of_a_task_that_kills_its_worker() -> None:
    """The count ``dask_deaths`` reads exists on the installed scheduler, under its name."""
    import distributed

    from assay.execution.dask_deaths import deaths

    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster, distributed.Client(cluster) as client:  # fmt: skip
        future = client.submit(_die, key="assay-unit-0-of-1-t", pure=False)
        found: dict[int, int] = {}
        for _ in range(600):  # (up to 60 s for the worker to die and be counted)
            found = deaths(client, {0: str(future.key)})
            if found:
                break
            time.sleep(0.1)
        future.cancel()
    assert found.get(0, 0) >= 1
    assert deaths(client=SimpleNamespace(), keys={0: "k"}) == {}  # (no such call: no answer)
