"""The favourable class read from class names (left41, hostile41f's Left): ``low risk`` /
``high risk`` both named an unfavourable event, so the last class was taken whichever it
was; a favourable word was read inside another word (``bypass`` as ``pass``, ``immigrant``
as ``grant``, ``eyes`` as ``yes``) and an unfavourable one too (``brisk`` as ``risk``).
Words are read as words now, and a guess is still said as one."""

from __future__ import annotations

import pytest

from assay.fairness.verdict import BY_POSITION, BY_THE_OTHER, favourable_class


@pytest.mark.parametrize(
    ("names", "favourable"),
    [
        (["low risk", "high risk"], "low risk"),
        (["high risk", "low risk"], "low risk"),
        (["HighRisk", "LowRisk"], "LowRisk"),
        (["low_risk", "medium_risk", "high_risk"], "high_risk"),  # three: by position still
        (["no_recid", "two_year_recid"], "no_recid"),
        (["default", "no default"], "no default"),
        (["paid", "defaulted"], "paid"),
        (["Rejection", "Other"], "Other"),
    ],
)
def test_the_lesser_of_an_unfavourable_event_is_guessed_and_said_a_guess(
    names: list[str], favourable: str
) -> None:
    index, name, how = favourable_class(names, len(names), None)
    assert (names[index], name) == (favourable, favourable)
    assert how.startswith((BY_THE_OTHER, BY_POSITION)), how


@pytest.mark.parametrize(
    "names",
    [["bypass", "stop"], ["immigrant", "native"], ["eyes", "nose"], ["brisk", "calm"]],
)
def test_a_word_inside_another_word_is_not_read(names: list[str]) -> None:
    index, _, how = favourable_class(names, 2, None)
    assert index == 1 and how.startswith(BY_POSITION), how


@pytest.mark.parametrize(
    ("names", "favourable"),
    [
        (["bad", "good"], "good"),
        (["reject", "accept"], "accept"),
        (["unacceptable", "acceptable"], "acceptable"),
        (["Approval", "Rejection"], "Approval"),
        (["hired=no", "hired=yes"], "hired=yes"),
        (["<=50K", ">50K"], ">50K"),
        (["approved", "not approved"], "approved"),
    ],
)
def test_favourable_words_are_read_as_before(names: list[str], favourable: str) -> None:
    assert favourable_class(names, len(names), None)[1] == favourable
