"""What a test's cases tell when none failed: the failure rate's upper bound (95 %), and
how few cases are too few to tell anything (a test is never a silent pass)."""

from __future__ import annotations

__all__ = ["TOO_FEW", "zero_bound"]

TOO_FEW = 30  # 0 failing of fewer cases: the bound is above 9.5 %, said to tell nothing


def zero_bound(cases: int, confidence: float = 0.95) -> float | None:
    """The exact one-sided upper bound on a failure rate when none of ``cases`` failed
    (Clopper-Pearson: ``1 - (1 - confidence) ** (1 / n)``, about 3/n, the rule of three)."""
    if cases <= 0:
        return None
    return float(1.0 - (1.0 - confidence) ** (1.0 / cases))
