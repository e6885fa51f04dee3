"""mutation32: STRIP's spread calibration (``strip.low_unflagged``, bd31) against the mutants
its tests let live (bench/RESULTS.md, mutation32's table).  Scanned images left unflagged
(entropy at or above the threshold: an image is flagged below it) under a fifth of the clean
images' median (not at it), three or more, with binomial odds under 1 % given the clean
images' own smoothed share there ((c + 1) / (n + 1)); and a threshold that is tiny beside the
median keeps its own reason (set by clean images acting as poisoned ones)."""

from __future__ import annotations

from math import comb
from types import SimpleNamespace

import numpy as np
import pytest

from assay.backdoor.strip import STRIP_ODDS, STRIP_WIDE, _tail, low_unflagged
from assay.backdoor.summary import _strip_cannot_flag

# 99 clean entropies, median exactly 1.0 (a fifth of it 0.2; their mean 1.74), one of them
# (0.1) under a fifth of the median: the clean images' smoothed share there is 2 / 100
CLEAN = [0.1] + [0.5] * 48 + [1.0] + [3.0] * 49
THRESHOLD = 0.05


def _scanned(value: float, k: int, n: int = 40) -> list[float]:
    return [value] * k + [0.6] * (n - k)


def test_the_set_up_s_figures() -> None:
    assert STRIP_WIDE == 0.2 and STRIP_ODDS == 0.01
    assert float(np.median(CLEAN)) == 1.0 and float(np.mean(CLEAN)) > 1.7


def test_the_line_is_a_fifth_of_the_clean_median() -> None:
    """Four of 40 at 0.18 are said (odds 0.8 %); at 0.22 (over a fifth of the median, under a
    fifth of the mean) or at 0.2 exactly, none (mutants S13a/S13b: the line at 0.25 or 0.15
    of the median; S9: of the mean; S2: at the line counted)."""
    assert low_unflagged(CLEAN, THRESHOLD, _scanned(0.18, 4)) == 4
    assert low_unflagged(CLEAN, THRESHOLD, _scanned(0.22, 4)) == 0
    assert low_unflagged(CLEAN, THRESHOLD, _scanned(0.2, 4)) == 0


def test_an_image_at_the_threshold_is_unflagged_and_counted() -> None:
    """An image is flagged when its entropy is below the threshold: one at it is left
    unflagged, and counts (mutant S1: ``>``)."""
    assert low_unflagged(CLEAN, THRESHOLD, _scanned(THRESHOLD, 4)) == 4


def test_three_images_at_least() -> None:
    """Two of two scanned images (odds 0.04 %) are too few; three of three are said (mutants
    S3a/S3b: two, four)."""
    assert low_unflagged(CLEAN, THRESHOLD, [0.1, 0.1]) == 0
    assert low_unflagged(CLEAN, THRESHOLD, [0.1, 0.1, 0.1]) == 3


def test_the_odds_are_of_the_smoothed_share_and_at_least_k() -> None:
    """Three of 40 under the line: P(X >= 3) for binomial (40, 0.02) is 4.6 %, what clean
    images would do: nothing said.  The mutants read it as under 1 %: S5 (the share
    unsmoothed, 1/99: 0.77 %), S7 (P(X > 3): 0.82 %), S14a (odds of 5 %)."""
    assert low_unflagged(CLEAN, THRESHOLD, _scanned(0.1, 3)) == 0


def test_odds_between_a_tenth_and_one_percent_are_said() -> None:
    """Four of 40: P(X >= 4) is 0.82 %, under 1 %: said (mutant S14b: odds of 0.1 %)."""
    assert 0.001 < _tail(4, 40, 0.02) < STRIP_ODDS
    assert low_unflagged(CLEAN, THRESHOLD, _scanned(0.1, 4)) == 4


@pytest.mark.parametrize(("k", "n", "p"), [(3, 40, 0.02), (4, 40, 0.02), (1, 5, 0.3), (5, 5, 0.5)])
def test_tail_is_the_binomial_upper_tail(k: int, n: int, p: float) -> None:
    exact = sum(comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))
    assert _tail(k, n, p) == pytest.approx(exact, rel=1e-9)


def test_a_tiny_threshold_keeps_its_own_reason() -> None:
    """A threshold under 1 % of the clean median (0.005 of 1.0) was set by clean images
    acting as poisoned ones: a scan that flagged nothing says so, even with images left
    under the line (mutant S10: said as images left unflagged)."""
    search = SimpleNamespace(
        test=SimpleNamespace(strategy="strip", mode="inputs"),
        threshold=0.005,
        rows=[{"poisoned": False, "entropy": e} for e in _scanned(0.1, 10)],
        clean_labels=np.arange(99) % 10,
        clean_entropy=[0.005, *CLEAN[1:]],
    )
    assert low_unflagged(search.clean_entropy, 0.005, _scanned(0.1, 10)) == 10
    why = _strip_cannot_flag(search, {"tested": 40})
    assert why is not None and "was set by clean images that keep one answer" in why, why
    assert "images scanned keep nearly one answer" not in why
