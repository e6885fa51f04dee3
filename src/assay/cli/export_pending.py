"""``assay resume`` of a fairness run whose ``--export`` file a kill cut short: the file
is checked before the model loads, and one ``--export`` given now takes its place.

The finish writes the stored file (``fairness.finish``); a resume given ``--export OTHER``
wrote both, the stored one by the finish and OTHER by the command, and the stored one was
first tried after the model had loaded and the run was finished (its failure then kept as
the run's error).
"""

from __future__ import annotations

from pathlib import Path

from assay.core.store import RunRecord, RunStore

__all__ = ["export_before_resume", "export_moved"]


def export_before_resume(record: RunRecord, export: Path | None) -> bool:
    """Before a resume of ``record`` (claimed by this process) loads its model: the run's
    ``--export`` file still to write, if it has one, checked writable, or to be replaced by
    ``export`` (the file this resume was asked to write: written once, by the finish; the
    stored path is left alone).  Returns whether the finish writes ``export``: the run is
    told so once the resume's checks passed (``export_moved``), never before (a refused
    resume writes nothing to the run: status39)."""
    if record.technique != "fairness":
        return False
    from assay.fairness.finish import check_pending_export, export_pending

    if export_pending(record) is None:
        return False
    if export is not None:
        return True
    check_pending_export(
        record, argument="RUN_ID", elsewhere="give --export FILE to write it elsewhere"
    )
    return False


def export_moved(store: RunStore, run_id: str, export: Path) -> None:
    """The run's ``--export`` file still to write is ``export`` from now on (its resume
    began: ``export_before_resume`` said the finish writes it)."""
    from assay.fairness.finish import export_follows

    export_follows(store, run_id, export)  # (the part still to come, written there)
