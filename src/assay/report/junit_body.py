"""A finding's JSON as a JUnit case carries it: whole when short, its large inputs and outputs
described when not (a 224x224x3 image is 150,528 values; fifty of them made a JUnit file of
tens of megabytes that CI systems refuse or choke on).  The JSON report keeps them whole."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.report._text import finding_json
from assay.report.junit_cases import OWN_VALUES

__all__ = ["MAX_BODY", "bounded_json"]

MAX_BODY = 20_000  # characters of a finding's JSON in its case
_MAX_VALUE = 2_000  # characters of one input or output kept within a shortened finding
_MAX_ITEMS = 50  # items of a list of inputs kept within a shortened finding


def bounded_json(finding: dict[str, Any], report: str | None = None) -> str:
    """``finding_json(finding)``, or when longer than ``MAX_BODY``, valid JSON still: the
    finding with its inputs and outputs shortened and a key ``cut`` saying so (``report``:
    the run's ``assay report ID --store PATH``, where the document gives it)."""
    body = finding_json(finding)
    if len(body) <= MAX_BODY:
        return body
    cut = (OWN_VALUES, "inputs", "outputs")
    short = {k: _shorten(v) if k in cut else v for k, v in finding.items()}
    short["cut"] = (
        f"inputs (as codes and in your values) and outputs shortened here (the finding's "
        f"JSON is {len(body):,} characters); "
        f"the JSON report (--report, or {report or 'assay report RUN'} --report FILE) holds "
        "them whole"
    )
    body = finding_json(short)
    return body if len(body) <= MAX_BODY else body[: MAX_BODY - 1] + "…"


def _shorten(value: Any) -> Any:
    """A string cut, an array of numbers described, a list of other values shortened item by
    item (at most ``_MAX_ITEMS`` of them)."""
    if isinstance(value, str):
        return value if len(value) <= _MAX_VALUE else value[: _MAX_VALUE - 1] + "…"
    if not isinstance(value, list) or len(finding_json({"v": value})) <= _MAX_VALUE:
        return value
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        items = [_shorten(v) for v in value[:_MAX_ITEMS]]
        more = len(value) - _MAX_ITEMS
        return items + ([f"… {more:,} more"] if more > 0 else [])
    shape = "x".join(str(d) for d in array.shape)
    if array.size == 0 or not np.isfinite(array).all():
        return f"array {shape} ({array.size:,} values)"
    return f"array {shape} ({array.size:,} values, {array.min():.4g} to {array.max():.4g})"
