"""Units of a campaign on a Dask cluster (the ``[dask]`` extra).

``DaskUnits(scheduler="tcp://host:8786")`` uses an existing cluster (its workers must have
assay installed); ``DaskUnits(workers=N)`` starts a ``LocalCluster`` of N single-threaded
worker processes on this machine and stops it on ``close``.  The technique and the model are
sent to every worker once (scattered with ``broadcast``); each unit is one task, so a worker
lost mid-run costs only the units it was running, which the scheduler runs again elsewhere.
Results come back as units finish, and ``core.units.execute_units`` stores them at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from assay.core.model import Model
from assay.core.run import Technique
from assay.core.units import Unit, UnitResult, run_unit
from assay.errors import UsageError

__all__ = ["DaskUnits"]

_RETRIES = 3  # times a unit is run again after its worker was lost


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--executor dask needs the [dask] extra: pip install 'assay[dask]'",
            argument="--executor",
        ) from None
    return distributed


def _unit_on_worker(technique: Technique, model: Model, unit: Unit) -> UnitResult:
    from distributed import get_worker

    result = run_unit(technique, model, unit)
    try:
        result.worker = str(get_worker().address)
    except ValueError:  # not on a worker (a synchronous scheduler in tests)
        result.worker = "local"
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
            self.cluster = distributed.LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
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
        futures = [
            client.submit(
                _unit_on_worker,
                tech_f,
                model_f,
                unit,
                key=f"assay-unit-{unit.seed}-{unit.index}-of-{unit.n_units}-{id(units)}",
                pure=False,
                retries=_RETRIES,
            )
            for unit in units
        ]
        try:
            for future in distributed.as_completed(futures):
                result: UnitResult = future.result()
                future.release()
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
