"""What share of the IDIs a region (a rule of the fairness answer) covers, in words: one
figure for the command line, the HTML report and the JSON's ``recall``.

The terminal once said "about 100.00 % of the IDIs" (the rule's share inside times its
weight over the overall share, capped) where the HTML said "share of the held-out IDIs it
covers 97.67 %" (the JSON's ``recall``: 42 of the 43 held-out IDIs inside the rule): two
estimates of one thing (hostile35's Left 5).  The count is the one kept: it is a share of
IDIs counted, never above 100 %, and said with its counts.
"""

from __future__ import annotations

from typing import Any

from assay.core.display import percent

__all__ = ["covered", "covered_text"]


def covered(region: dict[str, Any]) -> float | None:
    """The share of the IDIs the region covers: its ``recall`` (exact: of all the IDIs; else
    of the held-out sample's, or of the data rows' for a rule of the data rows); None when
    there was none to cover."""
    value = region.get("recall")
    return float(value) if isinstance(value, int | float) else None


def covered_text(region: dict[str, Any]) -> str | None:
    """``about 97.67 % of the IDIs (42 of the 43 held out)``, ``about 50.00 % of the data
    rows' IDIs (...)``, ``12.50 % of the IDIs`` (exact figures); None without a figure."""
    share = covered(region)
    if share is None:
        return None
    if region.get("figures") == "exact":
        return f"{percent(share)} of the IDIs"
    whose = "the data rows' IDIs" if region.get("sample") == "data" else "the IDIs"
    k, n = region.get("data_idis_inside"), region.get("data_idis")
    if isinstance(k, int) and isinstance(n, int):  # every data row's IDI counted
        return f"{percent(share)} of {whose} ({k:,} of the {n:,}, every data row counted)"
    k, n = region.get("held_out_idis_inside"), region.get("held_out_idis")
    counts = f" ({k:,} of the {n:,} held out)" if isinstance(k, int) and isinstance(n, int) else ""
    return f"about {percent(share)} of {whose}{counts}"
