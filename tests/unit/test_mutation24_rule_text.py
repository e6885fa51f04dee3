"""A rule's text (mutation24): a set of categories listed whole up to twelve values, a longer
one shortened to its first ten and how many, and a range's bound too small for decimals."""

from __future__ import annotations

from assay.core.display import span
from assay.fairness.regions import set_text
from assay.fairness.schema import Feature

_JOBS = tuple(f"job{i:02d}" for i in range(14))


def test_a_set_of_twelve_categories_is_listed_whole() -> None:
    job = Feature("job", "categorical", categories=_JOBS[:13])
    said = set_text(job, list(range(12)))
    assert said == "job in {" + ", ".join(_JOBS[:12]) + "}", said


def test_a_set_of_thirteen_names_its_first_ten_and_how_many() -> None:
    job = Feature("job", "categorical", categories=tuple(f"job{i:02d}" for i in range(30)))
    said = set_text(job, list(range(13)))
    assert said == "job in {" + ", ".join(_JOBS[:10]) + ", ... (13 values in all)}", said


def test_a_bound_below_a_trillionth_keeps_its_exponent() -> None:
    assert span(0.0, 1e-13) == ("0", "1e-13")


def test_a_small_bound_is_written_with_the_decimals_that_show_it() -> None:
    """Not "0 to 0.0004": 0.00002 is no zero."""
    assert span(0.00002, 0.0004) == ("0.00002", "0.0004")
