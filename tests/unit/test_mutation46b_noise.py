"""mutation46b: surviving mutants of the replay's "noise alone would keep as many"
(``text.replay_hold``, ``text.bound``): the chance of as many held findings is the binomial
tail from the count itself, and a count chance keeps less than 1 % of the time is not said
to be noise."""

from __future__ import annotations

import math

import pytest

from assay.text.bound import upper_tail
from assay.text.replay_hold import NOISE_LEVEL, noise_explains

PROBE = {"sentences": 100, "changed": 1}  # (1 % of the start's sentences answered otherwise)


def _tail(n: int, k: int, q: float) -> float:
    return sum(math.comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(k, n + 1))


@pytest.mark.parametrize(("n", "k", "q"), [(2, 1, 0.5), (3, 3, 0.5), (58, 5, 0.0199), (10, 0, 0.3)])
def test_the_tail_counts_from_k_itself(n: int, k: int, q: float) -> None:
    assert upper_tail(n, k, q) == pytest.approx(_tail(n, k, q), rel=1e-9)


def test_held_findings_chance_keeps_under_1_percent_of_the_time_are_not_noise() -> None:
    """58 findings judged again, each kept by noise with 1 - 0.99^2 = 1.99 %: 1.15 expected.
    4 held (2.8 % of the time by chance) are no more than noise explains; 5 (0.6 %) are."""
    q = 1 - 0.99**2
    assert noise_explains(4, 58, PROBE) == pytest.approx(58 * q)
    assert 1e-9 < _tail(58, 5, q) < NOISE_LEVEL
    assert noise_explains(5, 58, PROBE) is None
