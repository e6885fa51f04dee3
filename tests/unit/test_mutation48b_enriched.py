"""mutation48b: a held group's Fisher test sets the scanned images holding its pixels (k of
n) against the clean images of its class (``own`` of ``n_own``, the holders counted in
``n_own`` as ``own_style`` counts them): the one-sided hypergeometric tail of that 2x2 table.

Survivor of mutation48 this kills: SC5 (the clean group's size taken as ``n_own - own``:
the holders counted out twice, every group's odds smaller, so groups held by clean images
as often as by the scanned ones were asked as enriched)."""

from __future__ import annotations

import numpy as np
from scipy.stats import hypergeom

from assay.backdoor.source_class import _enriched


def test_the_odds_are_the_tail_of_the_scanned_against_the_clean_images() -> None:
    images = np.zeros((6, 8, 8, 3))
    images[:3, 0:2, 0:2] = 1.0  # (3 of the 6 scanned images hold the 2x2 pattern)
    pattern = np.ones((2, 2, 3))
    row = {"own": 6, "n_own": 20}  # (6 of the 20 clean images of the class hold it)
    _enriched(row, images, np.arange(6), pattern, (0, 0, 2, 2), np.zeros(3))
    assert row["scan_held"] == 3 and row["scan_rest"] == 6, row
    # P(X >= 3), X: 6 drawn from the 26 images, 9 of which hold the pattern
    want = float(hypergeom.sf(2, 26, 9, 6))
    assert abs(float(row["enriched"]) - want) < 1e-9, (row, want)
