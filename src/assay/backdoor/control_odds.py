"""What a check's random controls support, beside the ``t`` bound it decides by.

The common-pattern, class-map and source-class checks judge a pattern against 8 controls
from the same null (``common_pattern.beyond_controls``): a Student ``t`` prediction bound
from their mean and spread, which printed odds down to 1e-11.  Eight controls, by their
count alone (a rank test: the pattern one more draw of the null), can say one in nine at
best; the smaller odds are the normal model's extrapolation, not counted (audit46b).  So the
words say both, "beyond all 8 (their count alone says 1 in 9 at best for clean images); t
bound 2e-09", and a record stores ``counted_odds`` beside ``odds``; the decision still reads
the ``t`` bound (left46b).
"""

from __future__ import annotations

from typing import Any

__all__ = ["counted_odds", "odds_words", "with_counted"]


def counted_odds(value: int, controls: list[int]) -> float:
    """The odds the controls' count alone supports for ``value`` (a rank test): one more than
    the controls at or beyond it, over one more than their number.  Eight controls can say
    one in nine at best, where the ``t`` bound (``beyond_controls``) says 1e-11 from their
    spread: a normal model of the null, not a count (audit46b)."""
    return (1 + sum(int(c) >= value for c in controls)) / (len(controls) + 1)


def odds_words(value: int, controls: list[int], bound: float) -> str:
    """What the controls support for ``value``, then the ``t`` bound the decision reads
    (``bound``): "beyond all 8 (their count alone says 1 in 9 at best for clean images); t
    bound 2e-09"."""
    n, below = len(controls), sum(int(c) < value for c in controls)
    k = 1 + n - below
    return (
        f"{f'beyond all {n}' if below == n else f'beyond {below} of the {n}'} (their count "
        f"alone says {k} in {n + 1}{' at best' if below == n else ''} for clean images); "
        f"t bound {bound:.1g}"
    )


def with_counted(record: dict[str, Any], rows: str, value: str) -> dict[str, Any]:
    """``record`` (a class-map or source-class check's) with each of its ``rows`` that was
    asked against controls given ``counted_odds`` (of its ``value`` against them, and
    against its second controls when asked), stored beside the ``t`` bound's ``odds``."""
    for row in record.get(rows) or []:
        sets = [row.get(k) for k in ("controls", "alike_controls") if row.get(k)]
        if sets and "odds" in row:
            row["counted_odds"] = max(counted_odds(int(row[value]), list(c)) for c in sets)
    return record
