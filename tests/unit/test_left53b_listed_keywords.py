"""left53's Left: in advice listing several options ("give --images, --max-trigger 6 and
--fpr 0.01") only the option right after the advising word became the keyword as typed
(``max_trigger=6``), the later ones stayed prose ("fpr 0.01"); now each option of the
list does.  Numbers said of a run, listed or not, stay prose."""

from __future__ import annotations

import pytest

from assay.core.callers_prose import in_callers_terms


@pytest.mark.parametrize(
    ("message", "python"),
    [
        (
            "give --images, --max-trigger 6 and --fpr 0.01",
            "give images, max_trigger=6 and fpr=0.01",
        ),
        (
            "(e.g. --max-trigger 4, --fpr 0.05, or --max-queries 900)",
            "(e.g. max_trigger=4, fpr=0.05, or max_queries=900)",
        ),
        ("try --max-trigger 2 or --fpr 0.1", "try max_trigger=2 or fpr=0.1"),
        # said of the run: prose, listed or not
        (
            "its search stopped at --max-queries 300 and --max-trigger 5",
            "its search stopped at max_queries 300 and max_trigger 5",
        ),
        ("(patches: --max-trigger 1, --fpr 0.01)", "(patches: max_trigger 1, fpr 0.01)"),
    ],
)
def test_each_option_of_listed_advice_is_the_keyword_as_typed(message: str, python: str) -> None:
    assert in_callers_terms(message, "assay.check_backdoor(") == python
