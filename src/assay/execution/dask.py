"""Units of a campaign on a Dask cluster (the ``[dask]`` extra).

``DaskUnits(scheduler="tcp://host:8786")`` uses an existing cluster (its workers must have
assay installed); ``DaskUnits(workers=N)`` starts a ``LocalCluster`` of N single-threaded
worker processes on this machine and stops it on ``close``.  The technique and the model are
sent to every worker once (scattered with ``broadcast``); each unit is one task, so a worker
lost mid-run costs only the units it was running, which the scheduler runs again elsewhere.
Every unit is submitted at once: a worker holds its next unit while it runs one (Dask's
queue keeps about 1.1 tasks per thread on each worker), so it never waits for the scheduler
between units.  Results come back as units finish, and ``core.units.execute_units`` stores
them.

A worker with several threads gives each thread its own copy of the model (a model never
sees two calls at once, and a unit's request counts are its own).  The request counts of a
served model on the workers come back with each unit and are added to the client's model,
whose counters go into the run's report.
"""

from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from assay.core.model import Model
from assay.core.run import Technique
from assay.core.units import Unit, UnitResult, request_counter, run_unit
from assay.errors import UsageError

__all__ = ["DaskUnits"]

# A unit whose worker was lost is run again elsewhere by the scheduler (up to its
# ``distributed.scheduler.allowed-failures``, 3 by default); a unit that raised is not:
# a model error ends the run at once, as it does in-process.

# A cluster that assay starts keeps Dask's own bookkeeping out of the units' way: its
# statistical profiler samples every worker thread's stack each 10 ms (holding the GIL the
# unit needs), and the event-loop and system monitors tick every 20 and 500 ms.  Measured
# on this 2-core machine: an idle worker used 42 ms of CPU a second with the defaults and 4
# with these, the scheduler (in the client process) 63 and 9.
QUIET_CLUSTER = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "10s",
    "distributed.worker.memory.monitor-interval": "2s",
    "distributed.scheduler.allowed-failures": 3,  # runs of a unit whose worker was lost
}


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--executor dask needs the [dask] extra: pip install 'assay[dask]'",
            argument="--executor",
        ) from None
    return distributed


_local = threading.local()


def _thread_model(model: Model, key: str) -> Model:
    """This thread's own copy of the model (made once per thread and model)."""
    copies: dict[str, Model] = _local.__dict__.setdefault("models", {})
    if key not in copies:
        copies.clear()  # a new run's model replaces the last one
        copies[key] = pickle.loads(pickle.dumps(model))
    return copies[key]


def _unit_on_worker(technique: Technique, model: Model, unit: Unit, model_key: str) -> UnitResult:
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:  # not on a worker (a synchronous scheduler in tests)
        worker = None
    if worker is not None and getattr(worker.state, "nthreads", 1) > 1:
        model = _thread_model(model, model_key)
    result = run_unit(technique, model, unit)
    result.worker = str(worker.address) if worker is not None else "local"
    return result


class DaskUnits:
    """Runs units as Dask tasks (see the module docstring)."""

    def __init__(self, *, scheduler: str | None = None, workers: int | None = None) -> None:
        if (scheduler is None) == (workers is None):
            raise UsageError(
                "give --scheduler tcp://host:8786 (an existing cluster) or --workers N "
                "(a local cluster), one of them",
                argument="--executor",
            )
        if workers is not None and workers < 1:
            raise UsageError(f"must be at least 1, not {workers}", argument="--workers")
        self.scheduler = scheduler
        self.workers = workers
        self.cluster: Any = None
        self.client: Any = None

    def start(self) -> Any:
        if self.client is not None:
            return self.client
        distributed = _import_distributed()
        if self.scheduler is not None:
            try:
                self.client = distributed.Client(self.scheduler, timeout="20s")
            except OSError as exc:
                raise UsageError(
                    f"cannot reach the Dask scheduler at {self.scheduler}: {exc}",
                    argument="--scheduler",
                ) from None
        else:
            import dask

            with dask.config.set(QUIET_CLUSTER):  # workers inherit it when they start
                self.cluster = distributed.LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # a free port: never one another cluster holds
                    silence_logs=logging.ERROR,
                )
                self.client = distributed.Client(self.cluster)
        return self.client

    @property
    def parallelism(self) -> int:
        if self.workers is not None:
            return self.workers
        client = self.start()
        return max(len(client.scheduler_info().get("workers", {})), 1)

    def run(
        self, technique: Technique, model: Model, units: Sequence[Unit]
    ) -> Iterator[UnitResult]:
        if not units:
            return
        distributed = _import_distributed()
        client = self.start()
        tech_f, model_f = client.scatter([technique, model], broadcast=True, hash=False)
        counter = request_counter(model)
        futures = [
            client.submit(
                _unit_on_worker,
                tech_f,
                model_f,
                unit,
                str(model_f.key),
                key=f"assay-unit-{unit.seed}-{unit.index}-of-{unit.n_units}-{id(units)}",
                pure=False,
            )
            for unit in units
        ]
        try:
            for future in distributed.as_completed(futures):
                result: UnitResult = future.result()
                future.release()
                counts = result.extra.get("requests")
                if counter is not None and counts:
                    counter.add_counts(counts)  # the workers' requests, in the client's report
                yield result
        finally:
            for f in futures:
                f.cancel()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def __enter__(self) -> DaskUnits:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
