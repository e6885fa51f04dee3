"""Which of a campaign's units were running on Dask workers that died.

A model that kills its own process (a segfault, memory exhausted) takes each worker that runs
it down; a ``LocalCluster``'s nannies start new ones, which run the unit again and die in turn
until the scheduler gives up on it (``KilledWorker``, after ``allowed-failures``).  On a loaded
machine the new workers can take longer to start than the client waits for a cluster with no
worker, and the run then ended as a cluster "with no worker", to be resumed once it had workers
again: a resume that only meets the same crash.  The scheduler knows better: each task keeps
the count of worker deaths it was part of (``TaskState.suspicious``).  ``deaths`` asks it, so
that an empty cluster whose workers died under the run's own units is said to be the model's
doing.  Any failure to ask (a scheduler that does not run client code, a version without the
count) is no answer: the caller keeps its cluster error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["deaths"]


def deaths(client: Any, keys: Mapping[int, str]) -> dict[int, int]:
    """For each unit (by index) whose task took part in worker deaths, how many; ``{}`` when
    none did, or when the scheduler cannot be asked."""
    if not keys:
        return {}
    wanted = list(keys.values())

    def count(dask_scheduler: Any) -> dict[str, int]:  # (runs on the scheduler)
        tasks = dask_scheduler.tasks
        return {k: int(getattr(tasks.get(k), "suspicious", 0) or 0) for k in wanted}

    try:
        counts = client.run_on_scheduler(count)
    except Exception:  # (no answer: the caller's own error stands)
        return {}
    if not isinstance(counts, dict):
        return {}
    return {i: int(counts.get(k, 0)) for i, k in keys.items() if counts.get(k, 0)}
