"""mutation47b: the pattern checks' Student t tail (``common_pattern._t_tail``) is total: at
one degree of freedom (two controls) it raised ``ValueError: math domain error`` (the
integrand ``x^(df/2 - 1)`` is unbounded at 0 when df is 1), at ``t`` 0 a division by zero;
now Cauchy's exact tail, 1/2, and a clear refusal below one degree of freedom."""

from __future__ import annotations

import math

import pytest

from assay.backdoor.common_pattern import _t_tail, beyond_controls


@pytest.mark.parametrize("t", [0.01, 0.5, 1.0, 3.0, 10.0, 100.0])
def test_one_degree_of_freedom_is_cauchys_tail(t: float) -> None:
    # Student's t at df 1 is the standard Cauchy: P(T >= t) = 1/2 - atan(t) / pi
    assert _t_tail(t, 1) == pytest.approx(0.5 - math.atan(t) / math.pi, rel=1e-12)
    assert _t_tail(1.0, 1) == pytest.approx(0.25, rel=1e-12)


@pytest.mark.parametrize("t", [0.5, 1.0, 3.0, 10.0])
def test_two_degrees_of_freedom_keep_simpsons_rule_exact_enough(t: float) -> None:
    # df 2 has a closed form too: P(T >= t) = (1 - t / sqrt(2 + t^2)) / 2
    assert _t_tail(t, 2) == pytest.approx(0.5 * (1 - t / math.sqrt(2 + t * t)), rel=1e-8)


@pytest.mark.parametrize("df", [1, 2, 7])
def test_zero_is_the_median_and_a_negative_t_its_mirror(df: int) -> None:
    assert _t_tail(0.0, df) == 0.5
    assert _t_tail(-3.0, df) == pytest.approx(1.0 - _t_tail(3.0, df), rel=1e-12)


@pytest.mark.parametrize("df", [0, -1])
def test_no_degree_of_freedom_is_refused_by_name(df: int) -> None:
    with pytest.raises(ValueError, match=f"1 degree of freedom or more .*not {df}"):
        _t_tail(1.0, df)


def test_two_controls_give_a_bound_not_a_math_domain_error() -> None:
    # two controls (0 and 2, mean 1) and a count of 9 on 20 images: the spread is the larger
    # of the controls' (sd sqrt(2), times sqrt(1 + 1/2)) and a count's at rate 1.5 / 21
    p = 1.5 / 21
    sd = max(math.sqrt(2) * math.sqrt(1.5), math.sqrt(20 * p * (1 - p)))
    got = beyond_controls(9, [0, 2], 20)
    assert got == pytest.approx(0.5 - math.atan(8 / sd) / math.pi, rel=1e-12)
    assert 0.0 < got < 0.1
