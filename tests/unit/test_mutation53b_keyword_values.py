"""mutation53b, over left53's keyword=NUMBER (``core.keywords._FLAG``): an option advised
with a number with a fraction is the keyword as typed (``call_timeout=2.5``, not two words);
a number written with a thousands comma is no number to type after ``=`` (``max_queries=1``
and then ``,500``: a tuple in Python), so it stays prose."""

from __future__ import annotations

from assay.core.callers_prose import in_callers_terms
from assay.core.keywords import _failure_in_keywords


def test_a_number_with_a_fraction_advised_is_the_keyword_as_typed() -> None:
    said = _failure_in_keywords(
        "give a longer wait (--call-timeout 2.5; ...)", {"call_timeout"}, {}
    )
    assert said == "give a longer wait (call_timeout=2.5; ...)", said


def test_a_number_with_a_thousands_comma_is_never_typed_after_the_keyword() -> None:
    said = in_callers_terms("(e.g. --max-queries 1,500)", "assay.check_text(...)")
    assert "=1" not in said and said == "(e.g. max_queries 1,500)", said
