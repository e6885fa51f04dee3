"""mutation44: the search's findings against the exact figures (``exact_found``, exact43), on
stored answers exact43's tests did not hold.

exact43's stored-run test had a certificate, two-class outputs and one IDI: its checks passed
with a stored model of one probability read by its argmax (every class 0: the IDI lost, the
certificate kept beside it), with an exact zero without a certificate or a bounded entry not
checked, with any two variants of a finding counted as an IDI whatever the model answered
them, with one disagreement of the trees let through, and with the withdrawn verdict row's
``fails``/``level`` not following the run's --fail-on rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.fairness.answer import add_answer
from assay.fairness.exact_found import Readings, check_found

CERTIFIED = "no input in this domain changes outcome with sex"
DETAILS = {"features": ["zip", "sex", "h"], "protected": ["sex"], "threshold": None}
IDI = np.array([[[7, 0, 3], [7, 1, 3]]], dtype=np.float64)


def _entry(status: str = "exact", certificate: str | None = CERTIFIED) -> dict[str, Any]:
    return {
        "attribute": "sex", "status": status, "share_uniform": {"low": 0.0, "high": 0.0},
        "certificate": certificate,
    }  # fmt: skip


def _row(certificate: str | None = CERTIFIED) -> dict[str, Any]:
    return {
        "attribute": "sex", "basis": "exact", "level": "certified zero", "fails": None,
        "certificate": certificate, "share_uniform": 0.0, "sampled_share_uniform": 0.02,
        "uniform_sampled": 100, "exact_uniform_low": 0.0, "exact_uniform_high": 0.0,
        "undecided": True,
    }  # fmt: skip


def _answered(
    tmp_path: Path,
    outputs: np.ndarray,
    entry: dict[str, Any],
    row: dict[str, Any],
    inputs: np.ndarray = IDI,
    config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    store = RunStore(tmp_path / "runs.db")
    try:
        store.create_run(
            run_id="r1", technique="fairness", seed=1, command="assay fairness",
            config=config or {}, model={}, versions={},
        )  # fmt: skip
        batch = FindingBatch("fairness.idi", inputs, outputs, np.ones(len(inputs)), details=DETAILS)
        store.checkpoint("r1", findings=[batch], status="completed", summary={"headline": "h"})
        add_answer(store, "r1", {"exact": [entry], "verdict": [row]})
        summary: dict[str, Any] = store.get_run("r1").summary
    finally:
        store.close()
    return summary


def _withdrawn(summary: dict[str, Any]) -> dict[str, Any]:
    (got,) = summary["exact"]
    assert got["status"] == "unavailable", got
    assert CERTIFIED not in str(summary["exact"]) and not summary["verdict"][0]["certificate"]
    row: dict[str, Any] = summary["verdict"][0]
    assert row["basis"] == "sampled" and not row.get("undecided"), row
    return row


def test_a_stored_model_of_one_probability_is_read_by_its_side_of_a_half(tmp_path: Path) -> None:
    """A sigmoid's one column: 0.9 and 0.2 are two classes."""
    outputs = np.array([[[0.9], [0.2]]])
    _withdrawn(_answered(tmp_path, outputs, _entry(), _row()))


def test_an_exact_zero_without_a_certificate_is_checked_too(tmp_path: Path) -> None:
    outputs = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    _withdrawn(_answered(tmp_path, outputs, _entry(certificate=None), _row(certificate=None)))


def test_a_bounded_zero_is_checked_too(tmp_path: Path) -> None:
    outputs = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    _withdrawn(_answered(tmp_path, outputs, _entry(status="bounded"), _row()))


def test_a_finding_the_model_answered_alike_withdraws_nothing(tmp_path: Path) -> None:
    """Two variants the model gave one class: no IDI the model confirms."""
    outputs = np.array([[[1.0, 0.0], [0.9, 0.1]]])
    summary = _answered(tmp_path, outputs, _entry(), _row())
    (got,) = summary["exact"]
    assert got["status"] == "exact" and got["certificate"] == CERTIFIED


@pytest.mark.parametrize("rule", [None, "share>0.5", "share>0.01"])
def test_a_withdrawn_certificate_fails_the_run(tmp_path: Path, rule: str | None) -> None:
    """The certificate said zero where the model discriminates: the row fails, whatever the
    sampled share (2 %) says of the run's rule (or the row's own pass, without one)."""
    outputs = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    config = {"answer": {"fail_on": rule}} if rule else {}
    row = _withdrawn(
        _answered(tmp_path, outputs, _entry(), {**_row(), "fails": False}, config=config)
    )
    assert row["fails"] is True and row["level"] == "fail", row


def test_one_found_input_the_trees_class_otherwise_withdraws_the_figures() -> None:
    """Of two found inputs, the trees read class one of them otherwise than the model."""
    inputs = np.array([[[7, 0, 3], [7, 1, 3]], [[8, 0, 3], [8, 1, 3]]], dtype=np.float64)
    outputs = np.array([[[1.0, 0.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]])
    batch = FindingBatch("fairness.idi", inputs, outputs, np.ones(2), details=DETAILS)

    def trees(rows: np.ndarray) -> np.ndarray:  # class 1 only for zip 8, sex 1 (as the model)
        return ((rows[:, 0] == 8) & (rows[:, 1] == 1)).astype(int)

    def misread(rows: np.ndarray) -> np.ndarray:  # and zip 7, sex 1: the model says 0 there
        return (rows[:, 1] == 1).astype(int)

    readings = Readings({"sex": trees}, lambda out: np.argmax(out, axis=1))
    entry = {"attribute": "sex", "status": "exact", "share_uniform": {"low": 0.1, "high": 0.2}}
    summary: dict[str, Any] = {"exact": [dict(entry)], "verdict": []}
    check_found(summary, [batch], readings)
    assert summary["exact"][0]["status"] == "exact"  # trees read right: kept
    summary = {"exact": [dict(entry)], "verdict": []}
    check_found(summary, [batch], Readings({"sex": misread}, readings.labels))
    (got,) = summary["exact"]
    assert got["status"] == "unavailable" and "on 1 of the 2 inputs" in got["reason"], got
