"""The exact analysis's assumptions name the domain it covered: the missing value too."""

from __future__ import annotations

from assay.fairness.exact.analysis import domain_text
from assay.fairness.schema import Feature


def test_a_feature_that_may_be_missing_says_so_in_the_assumptions() -> None:
    income = Feature("income", "integer", low=0, high=99, missing=True)
    assert domain_text(income) == "income integer from 0 to 99 or missing"
    job = Feature("job", "categorical", categories=("a", "b", "c"), missing=True)
    assert domain_text(job) == "job in 3 categories or missing"
    rate = Feature("rate", "continuous", low=0.0, high=1.0, missing=True)
    assert domain_text(rate) == "rate continuous from 0 to 1 or missing"


def test_a_feature_never_missing_is_said_as_before() -> None:
    assert domain_text(Feature("age", "integer", low=17, high=90)) == "age integer from 17 to 90"
    one = Feature("flag", "categorical", categories=("yes",))
    assert domain_text(one) == "flag in 1 category"
    two = Feature("sex", "categorical", categories=("F", "M"))
    assert domain_text(two) == "sex in 2 categories"
