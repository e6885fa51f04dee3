"""``assay.assert_passed(result)``: a test that gates on a model fails with what the run
found as the command line says it (``assert r.passed`` fails with ``assert False``), and
passes when the run passed as exit code 0 would say."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes


def _duration_only(rows: Any) -> np.ndarray:
    """German credit: approved when the loan runs at most two years (sex unused)."""
    return (np.asarray(rows)[:, 1].astype(float) <= 24).astype(int)


def _by_sex(rows: Any) -> np.ndarray:
    a = np.asarray(rows)
    return ((a[:, 1].astype(float) <= 24) & (a[:, 8] != "female")).astype(int)


def _fairness(tmp_path: Path, fn: Any) -> Any:
    return assay.check_fairness(
        fn, dataset="german", protected="sex", max_queries=4000, seed=1, store=tmp_path / "r.db"
    )


def test_a_fair_run_passes(tmp_path: Path) -> None:
    r = _fairness(tmp_path, _duration_only)
    assert r.passed
    assert assay.assert_passed(r) is None


def test_a_biased_run_fails_with_its_answer_witness_and_reproduction(tmp_path: Path) -> None:
    r = _fairness(tmp_path, _by_sex)
    with pytest.raises(AssertionError) as got:
        assay.assert_passed(r)
    said = str(got.value)
    assert said.startswith(f"assay run {r.run_id} (completed) did not pass: ")
    assert "\nsex: share " in said  # the answer line, as the terminal prints it
    assert "; to reproduce: assay.check_fairness(" in said and "seed=1" in said
    assert f"assay show {r.run_id} --store {tmp_path / 'r.db'}" in said


def test_a_run_that_tested_nothing_is_no_pass(tmp_path: Path) -> None:
    r = _fairness(tmp_path, lambda rows: np.zeros(len(rows), dtype=int))
    with pytest.raises(AssertionError, match="NOTHING WAS TESTED"):
        assay.assert_passed(r)


def test_a_failing_text_run_says_its_sentences_and_the_odd_name(tmp_path: Path) -> None:
    r = assay.check_text(
        [text_fakes.Classifier(text_fakes.against("Olga"))],
        grammar="builtin:names",
        oracle="invariance",
        max_queries=600,
        seed=2,
        store=tmp_path / "t.db",
    )
    with pytest.raises(AssertionError) as got:
        assay.assert_passed(r)
    said = str(got.value)
    assert "minimal failing sentence" in said and '" vs "' in said
    assert "answered unlike the rest of its class: 'Olga'" in said


def test_something_else_is_a_usage_error() -> None:
    with pytest.raises(assay.UsageError, match="assert_passed takes the result"):
        assay.assert_passed(42)
