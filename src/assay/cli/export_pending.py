"""``assay resume`` of a fairness run whose ``--export`` file a kill cut short: the file
is checked before the model loads, and one ``--export`` given now takes its place.

The finish writes the stored file (``fairness.finish``); a resume given ``--export OTHER``
wrote both, the stored one by the finish and OTHER by the command, and the stored one was
first tried after the model had loaded and the run was finished (its failure then kept as
the run's error).
"""

from __future__ import annotations

from pathlib import Path

from assay.cli.checks import check_creatable
from assay.core.store import RunRecord, RunStore
from assay.errors import UsageError

__all__ = ["export_before_resume"]


def export_before_resume(store: RunStore, record: RunRecord, export: Path | None) -> bool:
    """Before a resume of ``record`` (claimed by this process) loads its model: the run's
    ``--export`` file still to write, if it has one, checked writable, or replaced by
    ``export`` (the file this resume was asked to write: written once, by the finish; the
    stored path is left alone).  Returns whether the finish writes ``export``."""
    if record.technique != "fairness":
        return False
    from assay.fairness.finish import export_follows, export_pending

    pending = export_pending(record)
    if pending is None:
        return False
    if export is not None:
        export_follows(store, record.id, export)  # (the part still to come, written there)
        return True
    try:
        check_creatable(pending, "--export")
    except UsageError as exc:
        raise UsageError(
            f"{exc.bare_message} (the file run {record.id}'s --export asked for, which a "
            "kill left unwritten and this resume writes; give --export FILE to write it "
            "elsewhere)",
            argument="RUN_ID",
        ) from None
    return False
