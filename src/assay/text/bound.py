"""What a test's cases tell when none failed: the failure rate's upper bound (95 %), and
how few cases are too few to tell anything (a test is never a silent pass)."""

from __future__ import annotations

import math

__all__ = ["TOO_FEW", "upper_tail", "zero_bound"]

TOO_FEW = 30  # 0 failing of fewer cases: the bound is above 9.5 %, said to tell nothing


def zero_bound(cases: int, confidence: float = 0.95) -> float | None:
    """The exact one-sided upper bound on a failure rate when none of ``cases`` failed
    (Clopper-Pearson: ``1 - (1 - confidence) ** (1 / n)``, about 3/n, the rule of three)."""
    if cases <= 0:
        return None
    return float(1.0 - (1.0 - confidence) ** (1.0 / cases))


def upper_tail(n: int, k: int, q: float) -> float:
    """P(X >= k) for X ~ Binomial(n, q): how often chance alone gives ``k`` or more of ``n``
    at the rate ``q`` (1 for k <= 0; 0 for k > n; q at 0 or 1 exactly)."""
    if k <= 0:
        return 1.0
    if k > n or q <= 0.0:
        return 0.0
    if q >= 1.0:
        return 1.0
    lq, lr = math.log(q), math.log1p(-q)
    total = 0.0
    for i in range(k, n + 1):
        total += math.exp(
            math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lq + (n - i) * lr
        )
    return min(total, 1.0)
