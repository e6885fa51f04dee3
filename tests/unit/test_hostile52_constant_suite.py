"""A suite's `%directional` test of a classifier that gave one answer to every sentence
could never fail (`not-up`/`not-down`: nothing moved, so nothing moved the wrong way): it
tested nothing, as the same test alone says ("NOTHING WAS TESTED", exit 2).  In a suite
beside an `%expect` line the run passed (hostile52: a constant classifier, exit 0, "no test
failure found"); it is now "not everything was tested", the test named."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.report.junit_tests import suite_test_cases
from assay.text.result import TextResult

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """S -> "the" N "was" neg A
N -> "food" | "pasta" | "service" | "room" | "wine"
neg -> "" | "not"
A -> "good" | "great" | "bad" | "fine" | "poor" | "nice"
%directional neg: "" -> "not" not-up pos
%expect A: "good" | "great" | "nice" -> pos
"""


def constant(texts: list[str]) -> list[list[float]]:
    """Whatever it is given (a tokenizer fed the wrong form): its prior."""
    return [[0.3, 0.7] for _ in texts]


constant.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def reads(texts: list[str]) -> list[list[float]]:
    """Reads its sentence: "not" and bad words lower ``pos`` (praise keeps it above 0.5)."""
    out = []
    for t in texts:
        p = 0.9 - 0.2 * ("not" in t.split()) - 0.6 * any(w in t for w in ("bad", "poor"))
        out.append([1 - p, p])
    return out


reads.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def run(model: object, tmp_path: Path) -> TextResult:
    result: TextResult = assay.check_text(
        model, grammar=GRAMMAR, oracle="suite", max_queries=600, seed=1, store=tmp_path / "s.db"
    )
    return result


def test_a_constant_classifiers_suite_says_its_directional_test_tested_nothing(
    tmp_path: Path,
) -> None:
    result = run(constant, tmp_path)
    said = str(result.headline)
    assert not result.passed, said
    assert "%directional neg" in said and "one answer to every sentence" in said, said
    (row,) = [t for t in result.summary["text"]["tests"] if "%directional" in t["test"]]
    assert row["outcome"] == "not tested" and row["failing"] == 0


def test_a_classifier_that_reads_its_sentences_passes_the_same_suite(tmp_path: Path) -> None:
    result = run(reads, tmp_path)
    assert result.passed, result.headline


def test_the_junit_case_of_a_test_that_could_not_fail_says_so() -> None:
    """A "not tested" test's skipped case said "too few cases to tell" beside the terminal's
    "none that could fail" (and "its failure rate could be up to 9.5 %" of 30 cases that
    could never fail)."""
    row = {
        "test": 'line 5: %directional neg: "" -> "not" not-up pos 0',
        "cases": 30,
        "failing": 0,
        "failure rate below (95 %, none failing)": None,
        "outcome": "not tested",
    }
    cases = suite_test_cases("assay.text", {"text": {"tests": [row, {**row, "test": "u"}]}})
    skipped = cases[0].find("skipped")
    assert skipped is not None
    said = skipped.get("message") or ""
    assert "too few" not in said and "could fail" in said, said
