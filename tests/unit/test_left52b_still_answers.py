"""A classifier whose whole answer was the same to every sentence of the run is warned of
in the headline (the terminal's line, a CI log), the summary's warnings and the Notes
(``text.still_answers``, left52b): hostile52's constant classifier passed an ``%expect`` of
its one class, exit 0 by design, with nothing said of a wrapper fed the wrong form."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.text.result import TextResult

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

GRAMMAR = """S -> "the" N "was" A
N -> "food" | "pasta" | "service" | "room" | "wine"
A -> "good" | "great" | "nice" | "fine"
%expect A: "good" | "great" | "nice" -> pos
"""

WARNED = "the same answer"


def prior(texts: list[str]) -> list[list[float]]:
    """Whatever it is given (a tokenizer fed the wrong form): its prior."""
    return [[0.3, 0.7] for _ in texts]


prior.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def top_one(texts: list[str]) -> list[dict[str, object]]:
    """A pipeline's top-1 dicts, the same to every sentence (read as labels)."""
    return [{"label": "pos", "score": 0.99} for _ in texts]


def reads(texts: list[str]) -> list[list[float]]:
    """Reads its sentence: praise raises ``pos`` by its own amount."""
    return [[0.3 - len(t) % 7 / 100, 0.7 + len(t) % 7 / 100] for t in texts]


reads.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def run(model: object, tmp_path: Path, **options: object) -> TextResult:
    result: TextResult = assay.check_text(
        model,
        grammar=options.pop("grammar", GRAMMAR),
        oracle=options.pop("oracle", "expect"),
        max_queries=600,
        seed=1,
        store=tmp_path / "s.db",
    )
    return result


def test_a_constant_classifier_passing_its_expectation_is_warned_of(tmp_path: Path) -> None:
    result = run(prior, tmp_path)
    assert result.passed  # (by design: an %expect case can fail on its own)
    said = str(result.headline)
    # main: "no expectation failure found in ... queries ...", nothing more
    assert f"(warning: prior: pos 0.7: {WARNED}, label and probabilities alike," in said, said
    assert "in the form it was trained on" in said
    (warning,) = result.summary["warnings"]
    assert warning in said
    notes = [s for s in result.summary["sections"] if s["title"] == "Notes"]
    assert notes and warning in notes[0]["text"]


def test_a_labels_only_constant_is_warned_of_as_a_label(tmp_path: Path) -> None:
    said = str(run(top_one, tmp_path).headline)
    assert f"(warning: top_one: 'pos': {WARNED} to every one of the" in said, said
    assert "probabilities" not in said


def test_a_classifier_reading_its_sentences_is_not_warned_of(tmp_path: Path) -> None:
    result = run(reads, tmp_path)
    assert result.passed and WARNED not in str(result.headline), result.headline
    assert not result.summary.get("warnings")


def test_a_run_that_already_says_nothing_was_tested_is_not_warned_twice(tmp_path: Path) -> None:
    grammar = GRAMMAR.replace('%expect A: "good" | "great" | "nice" -> pos', "%invariant N")
    result = run(prior, tmp_path, grammar=grammar, oracle="invariance")
    said = str(result.headline)
    assert "NOTHING WAS TESTED" in said.upper() or result.summary.get("untested_reason")
    assert "(warning:" not in said, said
