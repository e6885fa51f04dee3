"""Where a resumed run's units run: ``assay resume RUN --executor inprocess`` (or ``--workers
N``, ``--scheduler tcp://host:8786``), ``resume_run(..., executor=..., workers=...,
scheduler=...)``.

A run split into units finds the same for its seed and units on any executor, so the units it
has left may run elsewhere than its first session's: in this process when its cluster is gone
or this Python has no Dask, on a local cluster or another scheduler's when it ran here.  The
units are the run's own (never changed: other units, other findings); a run never split into
units (no ``--units``, in this process) runs as one search, and only here.

Asked nothing, a resume runs where the run did, checked before the run is touched
(``check_stored``): a Dask run resumed where Dask is not installed, or whose scheduler no
longer answers, was marked ``failed`` with "argument --executor: --executor dask needs the
[dask] extra" (an option ``assay resume`` did not take) and "a resume keeps this run's
options: fix the problem in a new run", though the same run resumes in this process.
"""

from __future__ import annotations

from typing import Any

from assay.errors import UsageError
from assay.execution.campaign import execution_config

__all__ = ["check_stored", "moved_execution"]


def moved_execution(
    record: Any, executor: str | None, workers: int | None, scheduler: str | None
) -> dict[str, Any] | None:
    """The execution config the resumed run's units use from now on (stored back: later
    resumes read it), or None when none of the three was given.  ``--workers`` or
    ``--scheduler`` alone mean ``--executor dask``.  A ``UsageError`` naming the option when
    it cannot be: a run not split into units moved to Dask, or a scheduler that does not
    answer (``execution_config``)."""
    if executor is None and workers is None and scheduler is None:
        return None
    if executor is None:
        executor = "dask"
    stored = dict((record.config or {}).get("execution") or {})
    units = stored.get("units")
    if not units and executor != "inprocess":
        raise UsageError(
            f"run {record.id} was not split into units (--units): its search runs as one, in "
            "this process, where a resume runs it; start a new run with --executor dask to "
            "split it",
            argument="--executor",
        )
    return execution_config(executor, workers, scheduler, int(units) if units else None)


def check_stored(record: Any, here: str) -> None:
    """A ``UsageError`` naming ``--executor`` (or ``--scheduler``) when the run's own executor
    cannot run its units here (no Dask installed; its scheduler does not answer), with the
    resume that can (``here``: the command, or the call, that resumes it in this process):
    before the run is touched, so it is left as it was."""
    stored = dict((record.config or {}).get("execution") or {})
    if stored.get("executor") != "dask":
        return
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise UsageError(
            f"run {record.id} ran on Dask (--executor dask), and this Python has no Dask "
            "(the [dask] extra): install it, or run its units in this process (the same "
            f"units, the same findings): {here}",
            argument="--executor",
        ) from None
    try:
        execution_config("dask", stored.get("workers"), stored.get("scheduler"), 1)
    except UsageError as exc:
        raise UsageError(
            f"{exc.bare_message}; or give its units another cluster (--scheduler ADDRESS, "
            f"--workers N), or run them in this process: {here}",
            argument=exc.argument,
        ) from None
