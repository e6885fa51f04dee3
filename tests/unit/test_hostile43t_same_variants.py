"""A suite's test whose every case had no variant but its sentence itself (a class whose
members derive the same words, as "我们" | "我 们" do once spaced, or ``subj -> a | b`` with
``a -> "we"``, ``b -> "we"``) could not fail; beside a test that judged real cases it was
said "0 of 6 cases failing ...: every case of it was judged", the run exit 0 and its JUnit
case green (hostile43t; main: a false pass).  Now its outcome says it tested nothing, and
the run is not a pass."""

from __future__ import annotations

from pathlib import Path

import assay
from assay.core.outcome import NO_VARIANT
from assay.report.junit_tests import suite_test_cases

GRAMMAR = (
    's -> subj neg "like it" obj "."\nsubj -> a | b\na -> "we"\nb -> "we"\n'
    'neg -> "" | "do not"\nobj -> "" | "a lot" | "very much"\n'
    "%invariant subj\n"
    '%directional neg: "" -> "do not" flip\n'
)


def negation(batch: list[str]) -> list[str]:
    return ["neg" if "not" in s.split() else "pos" for s in batch]


def test_a_suite_test_whose_variants_were_all_its_sentences_is_not_a_pass(tmp_path: Path) -> None:
    result = assay.check_text(
        negation, grammar=GRAMMAR, oracle="suite", max_queries=300, seed=1, store=tmp_path / "r.db"
    )
    tests = result.summary["text"]["tests"]
    assert [t["outcome"] for t in tests] == [NO_VARIANT, "no failure in every case"], tests
    assert result.headline.startswith("NOT EVERYTHING WAS TESTED"), result.headline
    assert "every variant asked being its sentence itself" in result.headline
    cases = suite_test_cases("assay.text", {"text": {"tests": tests}})
    skipped = [c.find("skipped") for c in cases]
    assert skipped[0] is not None and "its sentence" in skipped[0].get("message", "")
