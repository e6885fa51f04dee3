"""Which attributes' exact figures a clock decided (``ExactResult.cut_by_time``, or a
reason for none that is the time's), so that the run can say its rerun will not reproduce
them (``core.rerun_caveats``)."""

from __future__ import annotations

from collections.abc import Mapping

from assay.fairness.exact.analysis import ExactResult

__all__ = ["NOT_IN_TIME", "NO_TIME_LEFT", "cut_by_time"]

NOT_IN_TIME = "would not finish within the time"
"""Said by an enumeration given up at the model's pace: the sampled figures stand instead."""

NO_TIME_LEFT = "no time was left"
"""Said of trees whose conversion took the analysis's time."""


def cut_by_time(exact: Mapping[str, ExactResult | str]) -> list[str]:
    """The protected attributes whose exact figures (or their absence) the time decided."""
    return [
        attribute
        for attribute, result in exact.items()
        if (result.cut_by_time if isinstance(result, ExactResult) else _timed(result))
    ]


def _timed(reason: str) -> bool:
    return NOT_IN_TIME in reason or NO_TIME_LEFT in reason
