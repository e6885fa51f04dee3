"""units36b: a campaign's figures that add its units' own say so (units36's Left 2 and 3).

A fairness campaign's "unique inputs generated" (and the success rate over it) added each
unit's inputs, an input two units generated counted twice, under a single search's words; a
text campaign's production and word tables (and "sentences judged that could be compared")
likewise.  No unit keeps its generated inputs' keys, so the figures stay added and their
names say it, in the metrics, the headline and the tables (terminal, JSON and HTML read
them); a single run reads as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import assay
from assay.core.store import RunStore
from assay.text.pipeline import WORKER_ENV
from assay.text.units import _work_said

from test_fair32_fairness import _check, biased  # isort: skip  # noqa: F401

ADDED = "the 2 units' added (an input two units generated counts twice)"


def test_a_fairness_campaign_says_its_inputs_generated_are_added(
    biased: Any,  # noqa: F811
    tmp_path: Path,
) -> None:
    model, df, _ = biased
    frame = df.drop(columns="outcome")
    one = _check(model, frame, tmp_path / "one.db").summary
    two = _check(model, frame, tmp_path / "two.db", units=2).summary
    # a single run: as before
    assert "unique inputs generated" in one["metrics"] and "success rate (%)" in one["metrics"]
    assert " unique inputs generated, searching " in one["headline"]
    # main: "unique inputs generated" and "success rate (%)", the units' inputs added unsaid
    metrics = two["metrics"]
    assert "unique inputs generated" not in metrics and "success rate (%)" not in metrics
    generated = metrics[f"inputs generated, {ADDED}"]
    assert generated > 0
    rate = metrics[f"success rate (% of the inputs generated, {ADDED})"]
    assert rate == pytest.approx(100 * metrics["IDIs found"] / generated, abs=0.01)
    assert f"{generated:,} inputs generated, {ADDED}, searching " in two["headline"]
    assert "unique" not in two["headline"]


def _text(tmp_path: Path, units: int | None) -> dict[str, Any]:
    result = assay.check_text(
        "builtin:tfidf",
        grammar="builtin:reviews",
        oracle="invariance",
        max_queries=600,
        seed=1,
        units=units,
        store=RunStore(tmp_path / f"t{units}.db"),
    )
    summary: dict[str, Any] = result.summary
    return summary


def _lift_tables(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in summary["sections"] if "most associated with errors" in s["title"]]


def test_a_text_campaigns_lift_tables_say_their_counts_are_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    one, two = _text(tmp_path, None), _text(tmp_path, 2)
    assert len(_lift_tables(one)) == len(_lift_tables(two)) == 2
    for table in _lift_tables(one):  # a single run: as before
        # (audit46t: "possibly chance" beside the lift)
        assert table["table"]["columns"][1:] == ["cases", "errors", "lift", "possibly chance"]
    assert "counts" not in one["text"]["lift"]
    # main: "cases" and "errors", each unit's counts added unsaid
    for table in _lift_tables(two):
        assert table["table"]["columns"][1:] == [
            "cases, the 2 units' added",
            "errors, the 2 units' added",
            "lift",
            "possibly chance",
        ]
        assert "the 2 units' added (a case two units judged counts twice)" in table["text"]
    assert "the 2 units' added" in two["text"]["lift"]["counts"]


def test_a_campaigns_compared_sentences_say_they_are_added() -> None:
    said = _work_said({"sentences judged that could be compared": 7, "queries": 9}, 2)
    assert said == {
        "sentences judged that could be compared, the 2 units' added (a sentence two units "
        "judged counts twice)": 7,
        "queries": 9,
    }
