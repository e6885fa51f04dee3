"""One run as the store gives it back (``RunRecord``), and its config as reports show it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_SHOWN_TEXT", "RunRecord", "shown_config"]


# the longest text of a run's config a report or ``assay runs --json`` copies (characters)
MAX_SHOWN_TEXT = 16_384


def shown_config(value: Any) -> Any:
    """``value`` with every string longer than ``MAX_SHOWN_TEXT`` replaced by a line naming
    its size and digest (the store keeps it whole: a resumed run needs it)."""
    if isinstance(value, str) and len(value) > MAX_SHOWN_TEXT:
        import hashlib

        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return f"<{len(value):,} characters (sha256 {digest}...), kept in the run store>"
    if isinstance(value, dict):
        return {k: shown_config(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shown_config(v) for v in value]
    return value


@dataclass(frozen=True)
class RunRecord:
    id: str
    technique: str
    status: str
    seed: int
    command: str
    config: dict[str, Any]
    model: dict[str, Any]
    versions: dict[str, Any]
    progress: dict[str, Any]
    summary: dict[str, Any]
    error: str | None
    created: float
    updated: float
    n_findings: int
    max_severity: float

    def to_json(self) -> dict[str, Any]:
        """The record as reports and ``assay runs --json`` show it (long texts of the config,
        such as a large grammar, are named, not copied: ``shown_config``)."""
        return {
            "id": self.id,
            "technique": self.technique,
            "status": self.status,
            "seed": self.seed,
            "command": self.command,
            "config": shown_config(self.config),
            "model": self.model,
            "versions": self.versions,
            "progress": self.progress,
            "summary": self.summary,
            "error": self.error,
            "created": self.created,
            "updated": self.updated,
            "n_findings": self.n_findings,
            "max_severity": self.max_severity,
        }
