"""Which encoded value of a feature means "missing" (``--missing value``), said once: for a
``fairness.schema.Feature`` and for the same feature as a run stores it (its ``to_json``
form, read by the reports, which import no technique: ``report.junit_cases``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["MISSING_LABEL", "known_top", "means_missing", "stored_missing"]

MISSING_LABEL = "(missing)"
"""How rules, reports and messages show a missing value (``--missing value``)."""


def known_top(kind: str, high: float | None, n_categories: int) -> float:
    """The encoded top of a feature's values, the missing value left out: a categorical
    feature's last category's code, else its high bound."""
    if kind == "categorical":
        return float(n_categories - 1)
    return float(high)  # type: ignore[arg-type]


def means_missing(missing: bool, top: float, code: float) -> bool:
    """Whether one encoded value means "missing": a feature that may be missing encodes it
    above ``top`` (``known_top``; a continuous one, every value of its span's ninth there)."""
    return missing and float(code) > top


def stored_missing(feature: Mapping[str, Any], code: float) -> bool:
    """``means_missing`` for a feature as a run stores it (``{"kind", "low", "high",
    "categories", "missing"}``)."""
    if feature.get("missing") is not True:
        return False
    categories = feature.get("categories")
    n = len(categories) if isinstance(categories, list) else 0
    return means_missing(True, known_top(str(feature.get("kind")), feature.get("high"), n), code)
