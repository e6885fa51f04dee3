"""The source-class check's enrichment test and its words (mutation48): ``_fisher`` against
scipy's hypergeometric tail at every edge, the held group's odds as ``_enriched`` keeps them,
and ``own_words`` with skipped and asked groups side by side.  left47b's tests plant groups
whose odds are far below ``ENRICHED``, where an off-by-one tail still passes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.stats import hypergeom

from assay.backdoor.source_class import ENRICHED, _fisher, own_words
from assay.backdoor.strip import STRIP_ODDS


@pytest.mark.parametrize(
    ("k", "n", "k2", "n2"),
    [(6, 6, 3, 33), (0, 6, 3, 33), (1, 6, 3, 33), (2, 10, 5, 40), (3, 3, 0, 10), (0, 0, 3, 9)],
)
def test_fisher_is_the_hypergeometric_upper_tail(k: int, n: int, k2: int, n2: int) -> None:
    # P(X >= k), X: how many of n drawn from n + n2 hold, k + k2 of them holding
    expected = float(hypergeom.sf(k - 1, n + n2, k + k2, n))
    assert _fisher(k, n, k2, n2) == pytest.approx(min(1.0, expected), rel=1e-9, abs=1e-15)


def test_the_scanned_images_holding_as_often_as_the_clean_are_not_enriched() -> None:
    assert ENRICHED == STRIP_ODDS
    # 1 of 11 scanned beside 3 of 33 clean: the same share, odds far from the line
    assert _fisher(1, 11, 3, 33) > 0.3
    # every one of 6 beside 3 of 33: far below it
    assert _fisher(6, 6, 3, 33) < ENRICHED


def _asked(own: int, n_own: int, held: int, rest: int, odds: float) -> dict[str, Any]:
    return {"own": own, "n_own": n_own, "enriched": odds, "scan_held": held, "scan_rest": rest}


def test_own_words_say_the_most_enriched_asked_group() -> None:
    rows = [_asked(3, 40, 2, 8, 0.004), _asked(4, 40, 6, 6, 0.0001)]
    words = own_words(rows, "group")
    assert words.startswith(" (2 group(s) held by clean images asked all the same: "), words
    assert "as in 6 of 6 against 4 of 40 (odds 0.0001)" in words, words


def test_own_words_say_the_skipped_and_then_the_asked() -> None:
    skipped = {"own": 4, "held_by": [3, 8, 9, 12]}
    words = own_words([skipped, _asked(3, 33, 6, 6, 0.0005)], "group")
    assert "1 group(s) not asked" in words, words
    assert words.endswith(
        "(1 group(s) held by clean images asked all the same: the unconfirmed images hold "
        "their pixels more often than those clean images do, as in 6 of 6 against 3 of 33 "
        "(odds 0.0005), and were judged against the clean images not holding them)"
    ), words
    assert "2 group(s)" not in words
    assert own_words([{"own": 2}], "group") == ""  # (under MIN_GROUP holders: none skipped)
    assert np.isfinite(_fisher(0, 0, 0, 0))
