"""What a stored run says of itself that its rerun command cannot promise.

The same seed asks the model the same inputs; the findings are then the same only when the
model answers them alike and no clock decided anything.  Two things a run records break
that, and its reports say so beside the command (``runinfo.rerun_note``):

- the model answered the same input differently (the determinism checks: fairness's flip
  check and re-check of stored IDIs, text's probe and re-check of minimal sentences, the
  backdoor scan's probe of clean images asked twice);
- the fairness answer's exact analysis was cut by its time (``--exact-time``, 10 s when not
  asked for): its bounds, and the share inside them, are as far as this machine got.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

__all__ = ["Terms", "summary_caveats"]


Terms = Literal["cli", "api", "demo"]

_EXACT_FIX: dict[str, str] = {
    "cli": "for figures the seed reproduces, rerun with --no-exact (sampled), or with an "
    "--exact-time long enough for the analysis to finish",
    "api": "for figures the seed reproduces, call it with exact=False (sampled), or with an "
    "exact_time long enough for the analysis to finish",
    "demo": "a longer --seconds gives the analysis more time (assay fairness takes --no-exact "
    "for sampled figures the seed reproduces)",
}


def summary_caveats(summary: Mapping[str, Any] | None, *, terms: Terms = "cli") -> list[str]:
    """The caveats a run's ``summary`` calls for (none for a deterministic model whose
    answer no clock cut); ``terms``: what to name, the command line's options, the Python
    API's arguments, or ``assay demo``'s (it takes no exact-analysis option)."""
    out: list[str] = []
    if _not_deterministic(summary or {}):
        out.append(
            "the model answered the same input differently (see the determinism checks): "
            "the same seed asks it the same inputs, but its answers, and so the findings, "
            "may differ from run to run"
        )
    cut = _exact_cut(summary or {})
    if cut:
        out.append(
            f"the exact analysis of {', '.join(cut)} stopped at its time limit before "
            "deciding every input: its bounds and the share estimated inside them are as far "
            "as this machine got in that time, so a rerun (another machine or load) reports "
            f"others (the findings themselves do not depend on it); {_EXACT_FIX[terms]}"
        )
    return out


def _not_deterministic(summary: Mapping[str, Any]) -> bool:
    checks = summary.get("determinism")
    if not isinstance(checks, Mapping):
        return False
    if checks.get("deterministic") is False:  # fairness: the flip check at the start
        return True
    if _count(checks.get("batch_changed")):  # fairness: alike in its batch, not in others
        return True
    confirmation = checks.get("confirmation")  # fairness: IDIs re-checked at the end
    if isinstance(confirmation, Mapping) and _count(confirmation.get("sampled")) > _count(
        confirmation.get("confirmed")
    ):
        return True
    probe = checks.get("probe")  # text, backdoor: sentences, images asked twice at the start
    if isinstance(probe, Mapping) and (
        _count(probe.get("changed")) or _count(probe.get("batch_changed"))
    ):
        return True
    return bool(_count(checks.get("changed"))) and "sampled" in checks  # text: the re-check


def _exact_cut(summary: Mapping[str, Any]) -> list[str]:
    analysis = summary.get("analysis")
    cut = analysis.get("exact_cut_by_time") if isinstance(analysis, Mapping) else None
    return [str(a) for a in cut] if isinstance(cut, list) else []


def _count(value: Any) -> int:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0
