"""mutation41: ``detok`` glues every one of its marks (``,.!?;:``) to the word before, and only
a word made of them alone.  cpu40 made the marks' spaced forms once (``_SPACED``); the suite's
test of ``detok`` reads the built-in grammars, whose sentences hold only "," and ".": with
":" or all but "." left out of ``_SPACED`` (TG6, TG7: "wait !" sent to the classifiers as it
is, unlike every sentence before) every test passed."""

from __future__ import annotations

import pytest

from assay.text.generate import detok


@pytest.mark.parametrize("mark", list(",.!?;:"))
def test_each_mark_alone_is_glued_to_the_word_before(mark: str) -> None:
    assert detok(f"wait {mark} then go") == f"wait{mark} then go"
    assert detok(f"so it ends {mark}") == f"so it ends{mark}"
    assert detok(f"wait {mark * 3}") == f"wait{mark * 3}"


def test_a_word_that_starts_with_a_mark_keeps_its_space() -> None:
    assert detok("fine :)") == "fine :)"
    assert detok("fine ;-( ok !") == "fine ;-( ok!"
    assert detok("no marks here") == "no marks here"
