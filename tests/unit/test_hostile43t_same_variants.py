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


def test_which_tests_had_a_variant_apart_is_kept_by_a_resumed_engine() -> None:
    """A resumed run says what its earlier sessions saw; a state stored before takes every
    test as apart (never judged untested for want of the record)."""
    import dataclasses

    from test_text36_suite import _engine

    from assay.text.engine import thaw

    try:
        a = _engine(1)
        a.apart_tests = [False] + [True] * (len(a.apart_tests) - 1)
        snap = a.snapshot()
        b = _engine(2)
        b.restore(snap)
        assert b.apart_tests == a.apart_tests
        old = dataclasses.replace(
            snap, values={k: v for k, v in snap.values.items() if k != "apart_tests"}
        )
        c = _engine(3)
        c.restore(old)
        assert c.apart_tests == [True] * len(a.apart_tests)
    finally:
        thaw()
