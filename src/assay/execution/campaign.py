"""Choosing where a campaign's units run, for every technique's shell.

``execution_config`` checks the executor options of a run (``--executor``, ``--workers``,
``--scheduler``, ``--units``) and returns them as the JSON data stored in the run's
configuration (so ``assay resume`` runs the same units); ``execute_campaign`` runs a
technique's units on the executor they name (``core.units.execute_units``).  A run with no
``units`` (the default, in-process) is one search, driven by ``core.run.execute`` instead.
"""

from __future__ import annotations

from typing import Any

from assay.core.model import Model
from assay.core.run import RunOutcome, Technique
from assay.core.units import (
    DEFAULT_DASK_UNITS,
    InProcessUnits,
    MergeSummaries,
    UnitExecutor,
    execute_units,
)
from assay.errors import UsageError

__all__ = [
    "DEFAULT_DASK_UNITS",
    "EXECUTORS",
    "execute_campaign",
    "execution_config",
    "executor_for",
    "refuse_unsendable",
]

EXECUTORS = ("inprocess", "dask")


def execution_config(
    executor: str, workers: int | None, scheduler: str | None, units: int | None
) -> dict[str, Any]:
    """The checked executor options (a ``UsageError`` naming the argument otherwise)."""
    if executor not in EXECUTORS:
        raise UsageError(f"must be inprocess or dask, not {executor!r}", argument="--executor")
    if units is not None and units < 1:
        raise UsageError(f"must be at least 1, not {units}", argument="--units")
    if workers is not None and workers < 1:
        raise UsageError(f"must be at least 1, not {workers}", argument="--workers")
    if executor == "inprocess" and (workers is not None or scheduler is not None):
        raise UsageError("--workers and --scheduler need --executor dask", argument="--executor")
    if executor == "dask":
        if (workers is None) == (scheduler is None):
            raise UsageError(
                "--executor dask needs --workers N (a local cluster) or --scheduler "
                "tcp://host:8786 (an existing one)",
                argument="--executor",
            )
        units = units or DEFAULT_DASK_UNITS
        if scheduler is not None:
            from assay.execution.dask import check_scheduler_address, probe_scheduler

            scheduler = check_scheduler_address(scheduler)
            probe_scheduler(scheduler)  # before a run exists: none is left ``failed``
    return {"executor": executor, "workers": workers, "scheduler": scheduler, "units": units}


def refuse_unsendable(execution: dict[str, Any], technique: Any, model: Any) -> None:
    """Before a run is made: a technique or model that the Dask executor cannot send to its
    workers (it does not pickle) is a usage error naming ``--executor`` (``DaskUnits.run``
    finds it too, but once the run exists: such a run was left ``failed``)."""
    if execution.get("executor") == "dask":
        from assay.execution.dask import check_sendable

        check_sendable(technique, model)


def executor_for(execution: dict[str, Any]) -> UnitExecutor:
    """The executor an ``execution_config`` names (a Dask cluster is started on first use)."""
    if execution.get("executor") == "dask":
        from assay.execution.dask import DaskUnits

        return DaskUnits(scheduler=execution.get("scheduler"), workers=execution.get("workers"))
    return InProcessUnits()


def execute_campaign(
    technique: Technique,
    model: Model,
    execution: dict[str, Any],
    *,
    merge: MergeSummaries | None = None,
    **kwargs: Any,
) -> RunOutcome:
    """Run ``technique`` as ``execution["units"]`` units on the executor named there; the
    executor (and a cluster assay started) is closed afterwards, whatever happened."""
    runner = executor_for(execution)
    try:
        return execute_units(
            technique,
            model,
            n_units=int(execution["units"]),
            executor=runner,
            merge=merge,
            **kwargs,
        )
    finally:
        runner.close()
