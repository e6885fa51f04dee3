"""What the headline's queries by phase bought, when --max-time cut a phase after it had
asked them: the answer's queries spent without a share measured, the determinism checks'
without a result.  The headline counted them bare ("1,400 by the answer, 568 by the
determinism checks") beside "no share was measured" and a determinism section "skipped"
(hostile37b's Left 3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["RAN_OUT_BEFORE", "RAN_OUT_DURING", "answer_unmeasured", "checks_unmeasured"]

RAN_OUT_BEFORE = "--max-time ran out before it"
RAN_OUT_DURING = "--max-time ran out during it: its queries were asked, no result"


def answer_unmeasured(summary: Mapping[str, Any]) -> bool:
    """Whether the run's answer asked queries but measured no share (its ``verdict`` list is
    what a computed answer adds)."""
    return not summary.get("verdict")


def checks_unmeasured(summary: Mapping[str, Any]) -> str | None:
    """What the determinism checks' queries bought when --max-time cut them (None: they
    gave their results): neither check, or the re-check of the stored IDIs alone."""
    section = summary.get("determinism")
    if not isinstance(section, Mapping):
        return None
    confirmation = section.get("confirmation") or {}
    recheck_cut = bool(confirmation.get("cut"))
    flip_cut = str(section.get("skipped") or "").startswith("--max-time ran out")
    if flip_cut and (recheck_cut or not confirmation.get("queries")):
        return "spent without a result: --max-time ran out during them"
    if recheck_cut:
        return "the re-check of the stored IDIs cut by --max-time: no confirmation rate"
    if flip_cut:
        return "the repeated-call check cut by --max-time: no flip rate"
    return None
