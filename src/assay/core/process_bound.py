"""The other cause of a campaign's findings not holding when the run re-checks them: its units
ran on Dask workers, each process with its own copy of the model.

A model whose answers are drawn once per process (a seed from the process id or the clock,
Python's salted ``hash`` of a string, state built lazily at the first call) answers alike in
any one process, so the determinism check at the start (in this process) passes; the units'
findings, made by the workers' copies, then do not hold when this process re-checks them.
The run said only "the model's answers depend on the batch they are asked in" (dask52:
100 % of the re-checked IDIs of such a model on two workers, a batch-independent model).
"""

from __future__ import annotations

from typing import Any

__all__ = ["on_other_processes"]


def on_other_processes(execution: dict[str, Any] | None) -> str:
    """The clause said after "depend on the batch they are asked in" when the run's units ran
    on Dask (``execution``: the run's stored executor options); "" otherwise."""
    if (execution or {}).get("executor") != "dask":
        return ""
    return (
        ", or on the process asking (the units ran on Dask workers, each with its own copy of "
        "the model, and were re-checked in this process: a model drawing its state per "
        "process, a seed from the process id or the clock, Python's hash of a string, answers "
        "otherwise in each; a run with --executor inprocess tells them apart)"
    )
