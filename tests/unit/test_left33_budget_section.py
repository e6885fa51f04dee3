"""left33: the Budget section says why a phase stopped in the user's words (fair32's Left):
it read "context phase ended before its budget: group metrics not computed: the favourable
class ..." (an internal phase name, and a budget said not to have ended beside one that
had), and "context phase ended before its budget: queries (group metrics need one query per
labelled row: 600; ...)"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import assay

from test_fair31_notebook import _people  # isort: skip


def _budget_note(result: Any) -> str:
    (section,) = [s for s in result.summary["sections"] if s.get("title") == "Budget"]
    return str(section["note"])


def test_group_metrics_not_computed_are_said_so(tmp_path: Path) -> None:
    df, _ = _people()

    def model(x: Any) -> np.ndarray:
        return np.full(len(x), "denied", dtype=object)

    model.classes_ = ["approved", "denied"]  # type: ignore[attr-defined]
    result = assay.check_fairness(
        model, df.assign(outcome="denied"), label="outcome", protected="sex",
        max_queries=2000, seed=1, store=tmp_path / "r.db",
    )  # fmt: skip
    note = _budget_note(result)
    assert note.startswith(
        "the group metrics were not computed: the favourable class 'approved'"
    ), note
    assert "context" not in note and "ended before its budget" not in note, note


def test_group_metrics_beyond_the_query_budget_are_said_so(tmp_path: Path) -> None:
    df, y = _people()

    def model(x: Any) -> np.ndarray:
        frame = x if hasattr(x, "columns") else None
        hours = np.asarray(frame["hours"] if frame is not None else np.asarray(x)[:, 2])
        return np.where(hours.astype(float) >= 40, "approved", "denied").astype(object)

    model.classes_ = ["approved", "denied"]  # type: ignore[attr-defined]
    rows = len(df)
    result = assay.check_fairness(
        model, df.assign(outcome=y), label="outcome", protected="sex", max_queries=rows,
        seed=1, store=tmp_path / "r.db",
    )  # fmt: skip
    note = _budget_note(result)
    assert (
        f"the group metrics were not computed: they need one query per labelled row "
        f"({rows:,} rows)" in note
    ), note
    assert "raise --max-queries to at least twice that" in note, note
