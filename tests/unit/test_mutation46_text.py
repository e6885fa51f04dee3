"""mutation46: surviving mutants of an LLM's answers that are no answer (``text.panel``: an
empty one, spaces alone, or one the label map maps to ""), and of how such labels are said."""

from __future__ import annotations

from assay.text.panel import _one_said, silent_labels


def test_no_answer_is_an_empty_answer_spaces_or_one_mapped_to_nothing() -> None:
    labels = [("positive", "", "  ", "I can't help"), ("negative", "positive")]
    silent = silent_labels(labels, {0: {"I can't help": "", "positive": "positive"}})
    assert silent == ((False, True, True, True), (False, False))
    # a label mapped to a common label is an answer, whatever its wording
    assert silent_labels([("Sure: positive",)], {0: {"Sure: positive": "positive"}}) == ((False,),)


def test_a_label_is_quoted_when_empty_or_with_spaces_at_an_end() -> None:
    assert _one_said("positive") == "positive"
    assert _one_said("") == "''"
    assert _one_said(" positive.") == "' positive.'"
    assert _one_said("positive ") == "'positive '"
    assert _one_said("a\nb") == "'a\\nb'"
