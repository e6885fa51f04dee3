"""``assay resume RUN --batch-size N`` (``resume_run(..., batch_size=N)``): a run's model
calls made smaller from now on; ``assay verify RUN --batch-size N`` (``verify_run``) alike,
for that replay only.

A served model refusing a request for its size (a proxy's 413, a gateway's batch limit) fails
the run mid-search, the loading probe's two inputs having passed; so does a local model (a
function, a file) that takes at most so many inputs a call (a GPU's memory).  The run could
only be run again from the start with a smaller ``--batch-size`` (``serving={"batch_size":
N}``), since ``assay resume`` took none (and then for served models only).  The search asks
the same inputs however its calls are split (``models.batch_limit`` splits a local model's
calls, the transport a served one's requests), so the resumed run asks what it would have
asked; a model whose answers depend on the batch an input comes in is nondeterministic, which
the run's determinism checks are there to see.  The option is stored back into the run's
serving options (``invocation["serving"]``), where every later resume reads it.
"""

from __future__ import annotations

import dataclasses
import numbers
from typing import Any

from assay.errors import UsageError

__all__ = ["batch_sized", "check_batch_size", "set_batch_size"]


def check_batch_size(batch_size: int | None) -> None:
    """A usage error for a batch size that is no whole number of at least 1."""
    if batch_size is None:
        return
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise UsageError(f"must be a whole number, not {batch_size!r}", argument="--batch-size")
    if batch_size < 1:
        raise UsageError(f"must be at least 1, not {batch_size}", argument="--batch-size")


def _invocation(record: Any, batch_size: int) -> dict[str, Any]:
    inv = dict((record.config or {}).get("invocation") or {})
    inv["serving"] = {**dict(inv.get("serving") or {}), "batch_size": int(batch_size)}
    return inv


def set_batch_size(store: Any, record: Any, batch_size: int) -> None:
    """Store ``batch_size`` in the run's serving options (read by every later resume)."""
    store.set_config(record.id, invocation=_invocation(record, batch_size))


def batch_sized(record: Any, batch_size: int | None) -> Any:
    """``record`` whose model is loaded to take at most ``batch_size`` inputs a call (as
    read by the techniques' ``setup_from_record``), the store left as it is: ``assay verify
    --batch-size N`` (``verify_run(batch_size=N)``) reads a run, never writes it."""
    if batch_size is None:
        return record
    config = {**(record.config or {}), "invocation": _invocation(record, batch_size)}
    return dataclasses.replace(record, config=config)
