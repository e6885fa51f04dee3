"""A failed run's wall clock, loading included.

A run that ended in its model's failure (or whose served model went away) recorded only its
engine's seconds (``progress["elapsed"]``): its JUnit ``time`` and its HTML "Elapsed" said
0.087 s for a command of about 5.5 s, loading (the interpreter, the model and the data) left
out, where a finished run's say the command's whole wall clock.  ``record_failed_clock``
puts that figure in the summary's metrics (``wall-clock seconds``, as ``runinfo``'s
``record_wall_clock`` does for a finished run) from the call's start (``core.clock``:
the ``assay`` process's, or the API function's entry), a resumed session's added to its
earlier sessions'.  So for a run whose model failed after its search ended (its answer, its
checks): it stays ``completed``, to be finished, and its reports said the engine's seconds.
"""

from __future__ import annotations

import contextlib
import time

from assay.core.clock import call_started
from assay.core.store import RunStore

__all__ = ["FAILED", "record_failed_clock"]

FAILED = ("failed", "model_unavailable")


def record_failed_clock(store: RunStore, run_id: str) -> None:
    """Record the wall clock of run ``run_id`` when it has just failed (status ``failed`` or
    ``model_unavailable``, or an ended run that failed after its search and is left to
    finish, ``core.finishing``) and this session recorded none; never raises (the failure
    matters more)."""
    from assay.core.finishing import finishable  # (it imports ``core.interrupted``, as here)

    store.stop_beating(run_id)  # (the session's clock stops here: ``core.heartbeat``)
    with contextlib.suppress(Exception):
        seconds = time.monotonic() - call_started()
        record = store.get_run(run_id)
        if seconds <= 0 or not (record.status in FAILED or finishable(record)):
            return
        sessions = int((record.config or {}).get("sessions") or 1)
        summary = dict(record.summary or {})
        metrics = summary.get("metrics")
        metrics = dict(metrics) if isinstance(metrics, dict) else {}
        recorded = metrics.get("wall-clock seconds")
        if summary.get("sessions") == sessions and isinstance(recorded, int | float):
            return  # (this session's own, recorded before it failed: retraining, reports)
        earlier = float(recorded) if sessions > 1 and isinstance(recorded, int | float) else 0.0
        metrics["wall-clock seconds"] = float(f"{earlier + seconds:.4g}")
        summary["metrics"] = metrics
        summary["sessions"] = sessions
        store.checkpoint(run_id, summary=summary)
