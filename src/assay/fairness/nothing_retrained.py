"""Why "Nothing to retrain" may stand beside a run that found discrimination (exit 1): the
retraining searches the model again with a search of its own (its budget the run's
``--max-queries``, at most ``GENERATE_QUERIES``), and a rare discrimination the run's search
or answer found may escape it.  Said so, the words agree with the exit code: the model is
unchanged, and what the run found stands (hostile51c: XGBoost, 1 IDI in the answer's 500
rows, the retraining's 1,000 queries finding none)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.core.outcome import answer_found

__all__ = ["found_all_the_same"]


def found_all_the_same(n_findings: int, summary: Mapping[str, Any] | None, queries: int) -> str:
    """Words after "Nothing to retrain" for a run that found discrimination, or ``""``."""
    attributes = answer_found(summary)
    if not n_findings and not attributes:
        return ""
    what = [f"{n_findings:,} finding{'s' if n_findings != 1 else ''} stored"] if n_findings else []
    if attributes:
        what.append(f"its answer found discrimination on {', '.join(attributes)}")
    return (
        f" This run found discrimination all the same ({'; '.join(what)}): the model is "
        "unchanged and still holds it, so what the run found, and its exit code, stand; the "
        f"retraining's own search of {queries:,} queries found none of it (a rare "
        "discrimination): a larger --max-queries (in Python max_queries) gives it inputs to "
        "retrain with."
    )
