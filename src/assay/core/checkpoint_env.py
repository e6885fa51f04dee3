"""Seconds between a run's checkpoints, from ``ASSAY_CHECKPOINT_SECONDS`` (for tests that kill
runs at checkpoints, and for slow disks), read where the run is made (``RunStore.create_run``),
so that a mistyped value is refused before a run exists, and where it runs (``core.run``)."""

from __future__ import annotations

import math
import os

from assay.errors import UsageError

__all__ = ["DEFAULT_COMMIT_INTERVAL", "checkpoint_seconds"]

DEFAULT_COMMIT_INTERVAL = 2.0  # seconds between checkpoints


def checkpoint_seconds() -> float:
    """Seconds between checkpoints: ``ASSAY_CHECKPOINT_SECONDS``, else 2.  A value that is
    no number of seconds (a CI variable mistyped: ``abc``, ``nan``) was a ``ValueError``
    after the run was made: "internal error (a bug in assay)", exit 5; then a usage error
    that left the run made before it stalled ("its process is gone")."""
    given = os.environ.get("ASSAY_CHECKPOINT_SECONDS")
    if not given:
        return DEFAULT_COMMIT_INTERVAL
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise UsageError(
            f"must be a number of seconds (0 or more), not {given!r}",
            argument="ASSAY_CHECKPOINT_SECONDS",
        )
    return seconds
