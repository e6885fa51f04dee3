"""``TextResult``: what ``assay.check_text`` and ``assay.resume_run`` return for a text run
(the run's figures, and its findings read from the store on demand)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.core.outcome import EndedRunMixin
from assay.core.store import RunStore
from assay.text.exports import export_findings, findings_frame

__all__ = ["TextResult"]


@dataclass(repr=False)  # EndedRunMixin's: one line
class TextResult(EndedRunMixin):
    run_id: str
    seed: int
    status: str
    n_findings: int
    max_severity: float
    summary: dict[str, Any]
    progress: dict[str, Any]
    store: Path
    command: str
    extra: dict[str, Any] = field(default_factory=dict)

    def findings(self, limit: int | None = None) -> Any:
        """One row per distinct minimal failing sentence (a pandas DataFrame), the first
        ``limit`` (None: all)."""
        with self._stored() as store:
            return findings_frame(store, self.run_id, limit)

    def export(self, path: str | os.PathLike[str]) -> Path:
        """Write the failing sentences as CSV (``.csv``) or JSON lines (``.jsonl``)."""
        with RunStore(self.store) as store:
            return export_findings(store, self.run_id, path)
