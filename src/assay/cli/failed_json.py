"""What ``--json``'s document of a failed command says of the run it leaves (left52b).

Before, it held the error, its kind, the exit code and the run's id only: a CI job reading
it could not tell that the run kept the findings made before the failure, nor how to go
on, which the terminal's lines (``cli.app._left_behind``) and the JUnit file said.  Now it
holds what those lines say, the same words: the run's status, the findings its store keeps
and where that store is, its headline, the command that reproduces it, the resume line
(``null`` where none goes on: a run whose options failed, one that ended) and the lines on
how to go on, as printed, and the reports written.  Every key is there for every failure,
``null`` (or empty) where no run was left.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LEFT_KEYS", "left_fields"]

LEFT_KEYS = ("status", "findings", "store", "headline", "command", "resume", "next", "reports")
"""The keys ``left_fields`` gives, in the document's order."""

_LISTS = frozenset({"next", "reports"})


def left_fields(told: dict[str, Any] | None) -> dict[str, Any]:
    """The document's fields on the run a failed command left, from what its lines said
    (``told``: filled by ``_left_behind``; empty or ``None`` when no run was left)."""
    told = told or {}
    return {key: list(told.get(key) or []) if key in _LISTS else told.get(key) for key in LEFT_KEYS}
