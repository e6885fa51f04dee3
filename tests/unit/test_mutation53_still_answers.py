"""mutation53: left52b's warning for a classifier that never varied (``text.still_answers``,
with the lead's ``FEWEST`` of ten sentences) at the edges its own tests left open (a
surviving mutant named by each test)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.text.result import TextResult

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

WARNED = "the same answer"


def _grammar(nouns: int) -> str:
    """A grammar of exactly ``2 * nouns`` sentences, with an expectation of ``pos``."""
    words = " | ".join(f'"n{i}"' for i in range(nouns))
    return (
        f'S -> "the" N "was" A\nN -> {words}\nA -> "good" | "great"\n'
        '%expect A: "good" | "great" -> pos\n'
    )


def _read(text: str) -> float:
    """A small amount read from the sentence's letters (its length is every sentence's)."""
    return sum(map(ord, text)) % 7 / 100


def prior(texts: list[str]) -> list[list[float]]:
    return [[0.3, 0.7] for _ in texts]


prior.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def reads(texts: list[str]) -> list[list[float]]:
    """Reads its sentence: ``great`` is ``neg`` to it (so it disagrees with ``prior``)."""
    return [[0.6 + _read(t), 0.4 - _read(t)] if "great" in t else [0.3, 0.7] for t in texts]


reads.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def three(texts: list[str]) -> list[list[float]]:
    """Reads its sentence over two classes; its third, ``neutral``, always 0."""
    return [[0.3 - _read(t), 0.7 + _read(t), 0.0] for t in texts]


three.classes_ = ["neg", "pos", "neutral"]  # type: ignore[attr-defined]


def _run(model: object, tmp_path: Path, grammar: str, oracle: str = "expect") -> TextResult:
    result: TextResult = assay.check_text(
        model, grammar=grammar, oracle=oracle, max_queries=600, seed=1, store=tmp_path / "s.db"
    )
    return result


@pytest.mark.parametrize(("nouns", "warned"), [(5, True), (4, False)])
def test_ten_sentences_asked_alike_are_warned_of_and_eight_are_not(
    tmp_path: Path, nouns: int, warned: bool
) -> None:
    # A2 (``asked < FEWEST`` -> ``<=``): a grammar of exactly ten sentences, all asked and
    # answered alike, was not warned of; A1 (``FEWEST`` 2, left52b's): eight were
    result = _run(prior, tmp_path, _grammar(nouns))
    said = str(result.headline)
    assert (WARNED in said) is warned, said
    if warned:
        assert "to every one of the 10 sentences asked" in said


def test_a_classifier_one_of_whose_classes_is_always_0_is_not_warned_of(tmp_path: Path) -> None:
    # A3 (``all`` -> ``any`` over a classifier's columns): a classifier whose third class
    # is never given a probability, its other two read from the sentence, was said to
    # answer the same to everything
    result = _run(three, tmp_path, _grammar(10))
    assert WARNED not in str(result.headline), result.headline
    assert not result.summary.get("warnings")


def test_only_the_classifier_that_never_varied_is_named(tmp_path: Path) -> None:
    # A5 (``answer_text``'s ``only=named`` dropped): the warning named every classifier's
    # first answer, the one reading its sentences too
    result = _run([prior, reads], tmp_path, _grammar(10), oracle="differential")
    (warning,) = result.summary["warnings"]
    assert warning.startswith(f"prior: pos 0.7: {WARNED}"), warning
    assert "reads:" not in warning, warning


def test_a_classifier_the_run_already_says_tested_nothing_is_not_warned_twice(
    tmp_path: Path,
) -> None:
    # A7 (the ``untested_part`` guard dropped): an invariance run of two classifiers, one of
    # them constant, headlined "NOT EVERYTHING WAS TESTED: prior gave the same answer ..."
    # and then warned of the same classifier again
    grammar = _grammar(10).replace('%expect A: "good" | "great" -> pos', "%invariant N")
    result = _run([prior, reads], tmp_path, grammar, oracle="invariance")
    said = str(result.headline)
    assert said.startswith("NOT EVERYTHING WAS TESTED: prior gave the same answer"), said
    assert "(warning:" not in said and not result.summary.get("warnings"), said
