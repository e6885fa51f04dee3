"""A backdoor run whose scan had ended when it was stopped (killed -9 before its
determinism section was added, or before its ``--export-filter`` file was written:
``core.finishing``), finished by ``assay resume``: the check
its first session made before the scan is kept with the run
(``config["budget"]["determinism_probe"]``), so the section is written from it with no
model (loaded only when the run must write its ``--export-filter``, or never kept the
check), then the rates per wall-clock second.

Part of the technique's shell (see ``backdoor.api``): it may import ``models``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from assay.backdoor.phases import BackdoorResult, _result, record_rates
from assay.backdoor.prepare import BackdoorSetup
from assay.backdoor.resume import _checked_as_first, _filter_path, same_served, setup_from_record
from assay.backdoor.steadiness import record_steadiness
from assay.core.clock import call_started
from assay.core.finishing import release, stored_outcome
from assay.core.interrupted import guarded_run
from assay.core.run_record import RunRecord
from assay.core.runinfo import earlier_wall_seconds
from assay.core.store import RunStore

__all__ = ["finish_backdoor", "needs_model"]


def needs_model(record: RunRecord) -> bool:
    """Whether finishing the ended scan ``record`` asks its model (or its images): to write
    its ``--export-filter``, or to make the determinism check it never kept; else its files
    may have changed or gone since (nothing of them is read)."""
    budget = record.config.get("budget") or {}
    kept = isinstance(budget.get("determinism_probe"), dict)
    return _filter_path(record.config) is not None or not kept


def finish_backdoor(
    record: RunRecord,
    store: RunStore,
    *,
    on_progress: Callable[[dict[str, Any]], None] | None = None,
    model: Any = None,
    allow_pickle: bool = False,
    images: Any = None,
    clean: Any = None,
) -> BackdoorResult:
    """Finish the ended scan ``record`` (see above); its status stays the scan's."""
    started = call_started()
    before = earlier_wall_seconds(record)
    budget = dict(record.config.get("budget") or {})
    filter_path = _filter_path(record.config)
    setup: BackdoorSetup | None = None
    if needs_model(record):
        setup = setup_from_record(
            record, model=model, allow_pickle=allow_pickle, images=images, clean=clean
        )
        same_served(record, setup)  # (its check asked of another model: refused)
    with guarded_run(store, record.id):
        if setup is not None:  # (a run stored before the check was kept: made now)
            budget = _checked_as_first(store, record, setup, budget)
        if on_progress is not None:  # (the scan's last line: nothing more is scanned)
            on_progress({**record.progress, "phase": "done", "final": True})
        record_steadiness(store, record.id, budget["determinism_probe"])  # (again: alike)
        record_rates(store, record.id, before + time.monotonic() - started)
        release(store, record.id, record.status)
        return _result(
            store,
            stored_outcome(store.get_run(record.id)),
            record.seed,
            record.command,
            setup,
            filter_path,
            filter_images=record.config.get("filter_images", True) is not False,
        )
