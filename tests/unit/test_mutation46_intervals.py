"""mutation46: the fairness intervals' edges (``fairness.estimate``), each a surviving mutant's.

Wilson's interval (kept for comparison: ``bench/interval_coverage.py``) takes the exact bound
with 1 to 3 successes or failures and not with 4; Clopper-Pearson's bounds are the binomial
tails' at 2.5 % each, checked against sums of the binomial terms written out here."""

from __future__ import annotations

import math

import pytest

from assay.fairness.estimate import clopper_pearson, wilson_interval


def _at_least(k: int, n: int, p: float) -> float:
    return sum(
        math.exp(
            math.lgamma(n + 1)
            - math.lgamma(j + 1)
            - math.lgamma(n - j + 1)
            + j * math.log(p)
            + (n - j) * math.log1p(-p)
        )
        for j in range(k, n + 1)
    )


@pytest.mark.parametrize("k", [1, 2, 3])
def test_wilson_takes_the_exact_lower_bound_up_to_three_successes(k: int) -> None:
    low, _ = wilson_interval(k, 100)
    assert low == pytest.approx(clopper_pearson(k, 100)[0], rel=1e-9)
    _, high = wilson_interval(100 - k, 100)
    assert high == pytest.approx(clopper_pearson(100 - k, 100)[1], rel=1e-9)


def test_wilson_keeps_its_own_bounds_from_four_successes() -> None:
    low, _ = wilson_interval(4, 100)
    assert low > clopper_pearson(4, 100)[0] + 1e-3
    _, high = wilson_interval(96, 100)
    assert high < clopper_pearson(96, 100)[1] - 1e-3


@pytest.mark.parametrize(("k", "n"), [(1, 20), (7, 50), (194, 3000), (49, 50)])
def test_clopper_pearson_bounds_are_the_binomial_tails_at_two_and_a_half_percent(
    k: int, n: int
) -> None:
    low, high = clopper_pearson(k, n)
    assert _at_least(k, n, low) == pytest.approx(0.025, rel=1e-6)
    assert 1 - _at_least(k + 1, n, high) == pytest.approx(0.025, rel=1e-6)


def test_clopper_pearson_at_the_ends_and_with_no_sample() -> None:
    assert clopper_pearson(0, 10)[0] == 0.0 and clopper_pearson(10, 10)[1] == 1.0
    assert clopper_pearson(0, 0) == (0.0, 1.0)
    assert 1 - _at_least(1, 10, clopper_pearson(0, 10)[1]) == pytest.approx(0.025, rel=1e-6)


@pytest.mark.parametrize("n", [10, 13, 34])
def test_wilson_s_bounds_with_no_success_or_no_failure_are_the_ends_exactly(n: int) -> None:
    assert wilson_interval(0, n)[0] == 0.0  # (not the float residue 2.8e-17 of its formula)
    assert wilson_interval(n, n)[1] == 1.0
