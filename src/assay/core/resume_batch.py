"""``assay resume RUN --batch-size N`` (``resume_run(..., batch_size=N)``): a served run's
requests made smaller from now on.

A served model refusing a request for its size (a proxy's 413, a gateway's batch limit) fails
the run mid-search, the loading probe's two inputs having passed; the run could only be run
again from the start with a smaller ``--batch-size``, since ``assay resume`` took none.  A
served model's answers are those of its inputs, however they are split into requests, so
the resumed run asks what it would have asked: the option is stored back into the run's
serving options (``invocation["serving"]``), where every later resume reads it.  A run of
no served model is refused (a local model's batches may change its answers).
"""

from __future__ import annotations

import numbers
from typing import Any

from assay.errors import UsageError

__all__ = ["check_batch_size", "refuse_unserved", "served_run", "set_batch_size"]


def check_batch_size(batch_size: int | None) -> None:
    """A usage error for a batch size that is no whole number of at least 1."""
    if batch_size is None:
        return
    if isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral):
        raise UsageError(f"must be a whole number, not {batch_size!r}", argument="--batch-size")
    if batch_size < 1:
        raise UsageError(f"must be at least 1, not {batch_size}", argument="--batch-size")


def served_run(record: Any) -> bool:
    """Whether the stored run asks a served model (its model, or one of a text run's, a URL)."""
    inv = (record.config or {}).get("invocation") or {}
    specs = [inv.get("model"), *(inv.get("models") or [])]
    return any(isinstance(s, str) and s.startswith(("http://", "https://")) for s in specs)


def refuse_unserved(record: Any) -> None:
    """``--batch-size`` given to the resume of a run of no served model: refused."""
    if not served_run(record):
        raise UsageError(
            f"run {record.id} asks no served model: a resume takes --batch-size for a model "
            "behind a URL only (a local model's answers may depend on its batches); run it "
            "again with --batch-size instead",
            argument="--batch-size",
        )


def set_batch_size(store: Any, record: Any, batch_size: int) -> None:
    """Store ``batch_size`` in the run's serving options (read by every later resume)."""
    inv = dict((record.config or {}).get("invocation") or {})
    serving = dict(inv.get("serving") or {})
    serving["batch_size"] = int(batch_size)
    inv["serving"] = serving
    store.set_config(record.id, invocation=inv)
