"""One way to write numbers for people, shared by the terminal, the summaries and reports.

- counts: thousands separators (``1,234,567``);
- percentages: two decimals and a space (``12.35 %``); a share above zero but below 0.005 %
  is ``< 0.01 %`` (never a misleading ``0.00 %``);
- probabilities: three decimals (``0.870``);
- other numbers: thousands separators from 1,000 up (no decimals), else up to one decimal
  from 100, two from 1 and three below (``127.8``, ``99.95``, ``0.197``); never exponent
  notation (but the bound of a range below 1e-12: ``span``);
- a continuous value of the data (an input asked, a witness): six significant digits
  (``54.3871``, ``50.011``, ``1234570``), the same in the terminal, the JSON's witnesses,
  the HTML and the JUnit file (``value``).

JSON reports keep the numbers themselves; these are only their display.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = [
    "PERCENT_DECIMALS",
    "count",
    "counted_text",
    "listed",
    "number",
    "percent",
    "percent_points",
    "percent_up",
    "probability",
    "rounded_up",
    "span",
    "tidy_share",
    "value",
]

PERCENT_DECIMALS = 2


def listed(text: object) -> str:
    """A value shown among others (``region Ost, Mitte, edu uni``; ``region=Ost, Mitte,
    edu=uni``): quoted when it would read as more than one (a comma, ``;``, ``:`` or ``=``
    in it, spaces around it, or nothing at all), as it is otherwise."""
    shown = str(text)
    if shown and shown == shown.strip() and not any(c in shown for c in ",;:="):
        return shown
    return "'" + shown.replace("'", "\\'") + "'"


def data_rows(verdict: dict[str, Any]) -> str:
    """What a verdict's share over the data is of: ``the data rows``, or, when rows with an
    empty value were set aside (``--missing drop``), ``the 471 complete data rows (129 set
    aside)``: the figure is not of the rows the user gave."""
    kept, aside = verdict.get("data_rows"), verdict.get("rows_set_aside")
    if not isinstance(kept, int) or not isinstance(aside, int) or aside <= 0:
        return "the data rows"
    return f"the {kept:,} complete data rows ({aside:,} with an empty value set aside)"


def counted_text(v: dict[str, Any]) -> str:
    """`` (194 of 3,000: every row counted)``: a share over the data that asked each of its
    rows once is those rows' exact figure, no sample's (no interval)."""
    k, n = v.get("data_discriminatory"), v.get("data_sampled")
    if isinstance(k, int) and isinstance(n, int):
        return f" ({k:,} of {n:,}: every row counted)"
    return " (every row counted)"


def estimate_text(e: dict[str, Any], *, lead: str = "estimated share ") -> str:
    """An ``--estimate`` figure as the headline says it: ``estimated share 4.47 % (95 % CI
    3.78 % to 5.27 %, uniform)``; over data each of whose rows it asked once (``counted``),
    those rows' count: ``share 6.47 % (194 of 3,000: every row counted, data)``."""
    if e.get("counted"):
        k, n = e.get("discriminatory"), e.get("sampled")
        said = f"{k:,} of {n:,}: " if isinstance(k, int) and isinstance(n, int) else ""
        return (
            f"{lead.replace('estimated ', '')}{percent(e['share'])} ({said}every row "
            f"counted, {e['distribution']})"
        )
    return (
        f"{lead}{percent(e['share'])} (95 % CI {percent(e['low'])} to "
        f"{percent(e['high'])}, {e['distribution']})"
    )


def value(code: float) -> str:
    """A continuous value of the data: six significant digits, never exponent notation
    (``1000000``, not ``1e+06``)."""
    return str(np.format_float_positional(float(code), precision=6, fractional=False, trim="-"))


def count(n: int | float) -> str:
    """``1,234``."""
    return f"{int(n):,}"


SHARE_DIGITS = 12  # significant digits a share computed in floating point is stored with


def tidy_share(value: float) -> float:
    """A share computed in floating point (a ratio or a sum of volumes, masses), as stored
    for people: ``SHARE_DIGITS`` significant digits, so that the last bits of rounding read
    as the number they are (0.9999999999999998 for all of it, 0.09999999999999998 for a
    tenth: sums taken in another order).  Such sums are off by ~1e-16; the 12 digits keep
    every figure anyone reads.  Values that are data (the inputs asked, a model's own
    scores, the bounds of a box) are never tidied: they are the numbers themselves."""
    v = float(value)
    return float(f"{v:.{SHARE_DIGITS}g}") if math.isfinite(v) else v


def percent(fraction: float | None) -> str:
    """A fraction (0.1235) as a percentage: ``12.35 %``; None: ``n/a``."""
    if fraction is None:
        return "n/a"
    return percent_points(100 * float(fraction))


def percent_points(value: float | None) -> str:
    """A value already in percent (12.35) as ``12.35 %``; None: ``n/a``."""
    if value is None:
        return "n/a"
    v = float(value)
    if not math.isfinite(v):
        return f"{v} %"
    smallest = 0.5 * 10**-PERCENT_DECIMALS
    if 0 < abs(v) < smallest:
        return f"{'-' if v < 0 else ''}< {10**-PERCENT_DECIMALS:.{PERCENT_DECIMALS}f} %"
    return f"{v:,.{PERCENT_DECIMALS}f} %"


def probability(p: float | None) -> str:
    """``0.870``; None: ``n/a``."""
    return "n/a" if p is None else f"{float(p):.3f}"


def number(value: float | int | bool) -> str:
    """A count or a measurement: ``1,234``, ``472,400``, ``127.8``, ``99.95``, ``0.197``."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    if abs(v) >= 1000 or (v == int(v) and abs(v) < 1e15):
        return f"{v:,.0f}"
    if 0 < abs(v) < 0.0005:
        return f"{'-' if v < 0 else ''}< 0.001"
    decimals = 1 if abs(v) >= 100 else 2 if abs(v) >= 1 else 3
    text = f"{v:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def span(low: float, high: float) -> tuple[str, str]:
    """The two ends of a range of numbers, each as ``number`` writes it unless that hides
    it: a bound is never ``< 0.001`` (a feature in small units, a domain starting at
    0.0000073: as many decimals as show it) and two different bounds never read the same
    (``1,000`` to ``1,000``: as many decimals as tell them apart, at most 12).  A bound
    below 1e-12 keeps its exponent: this is the one place one is written."""
    a, b = _bound(low), _bound(high)
    decimals = 3
    while a == b and low != high and decimals <= 12:
        a, b = _fixed(low, decimals), _fixed(high, decimals)
        decimals += 1
    return a, b


def _bound(value: float) -> str:
    text = number(value)
    decimals = 3
    while "<" in text and decimals <= 12:
        text = _fixed(value, decimals)
        text = text if float(text.replace(",", "")) != 0 else "<"
        decimals += 1
    return f"{value:.3g}" if "<" in text else text  # (below 1e-12: its exponent)


def _fixed(value: float, decimals: int) -> str:
    text = f"{float(value):,.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def rounded_up(bound: float, digits: int = 4) -> float:
    """An upper bound kept to ``digits`` decimals, rounded up, never down: a text test's
    0.058155 (0 of 50 cases failing) was kept as 0.0582 but said "below 5.8 %", 0.09503
    (30 cases) "below 9.5 %" (audit46t).  (Float noise above a decimal is not rounded up.)"""
    scale = 10.0**digits
    return math.ceil(bound * scale - 1e-9) / scale


def percent_up(bound: float, decimals: int = 1) -> str:
    """An upper bound as a percentage, rounded up at ``decimals``: "5.9" for 0.058155."""
    return f"{100 * rounded_up(bound, decimals + 2):.{decimals}f}"
