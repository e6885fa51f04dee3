"""mutation44: which answers are texts a model generated, not labels (``label_length``,
left43s).  left43s's tests gave every label the same length: the median read as the longest
or the shortest label, or the bound taken strictly, passed them.  A classifier of many
intents whose few labels are long is kept; a generator whose few answers are short is
refused; a median of exactly ``GENERATED_LENGTH`` characters is refused."""

from __future__ import annotations

import pytest

from assay.core.label_length import GENERATED_LENGTH, check_labels_not_texts
from assay.errors import UsageError


def test_many_classes_a_few_of_them_long_are_kept() -> None:
    said = [f"intent_{i}" for i in range(60)] + [f"long_{i}_" + "x" * 200 for i in range(4)]
    check_labels_not_texts("intents", 64, said)


def test_generated_texts_a_few_of_them_short_are_refused() -> None:
    said = [f"ok {i}" for i in range(4)] + [f"because {i} " + "x" * 200 for i in range(60)]
    with pytest.raises(UsageError, match="64 different labels"):
        check_labels_not_texts("llm", 64, said)


def test_a_median_of_exactly_the_bound_is_refused() -> None:
    said = [f"{i:04d}".ljust(GENERATED_LENGTH, "x") for i in range(16)]
    assert {len(s) for s in said} == {GENERATED_LENGTH}
    with pytest.raises(UsageError, match=f"of {GENERATED_LENGTH} characters"):
        check_labels_not_texts("llm", 16, said)
    check_labels_not_texts("llm", 16, [s[:-1] for s in said])  # one shorter: labels


def test_eight_sentences_are_enough_and_the_refusal_is_short() -> None:
    """Eight is the fewest told apart; the refusal quotes 60 characters of a 5 KB text."""
    said = [f"positive because {i} " + "x" * 5_000 for i in range(8)]
    with pytest.raises(UsageError, match="8 different labels") as err:
        check_labels_not_texts("llm", 8, said)
    assert len(str(err.value)) < 1_000
