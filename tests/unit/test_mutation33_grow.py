"""The model scan's growth (``backdoor/grow.py``), its bounds (bench/RESULTS.md, mutation33's
table: mutants GR1, a best patch sending few images grown all the same, and GR10, a box
larger than a non-square image's short side, survived ``test_bd32_grow.py``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_bd32_grow import SIDE, _images, _scores

from assay.backdoor import modelscan
from assay.backdoor.grow import grown
from assay.backdoor.modelscan import scan_class, scan_sizes


def test_a_box_larger_than_the_image_s_short_side_is_not_grown() -> None:
    patch = np.ones((2, 2, 1))
    assert grown((1, 1, 2, 2), patch, 8, 8, 16) != []
    assert grown((1, 1, 2, 2), patch, 9, 8, 16) == []  # (8 rows: no 9x9 box)
    assert grown((1, 1, 2, 2), patch, 9, 16, 8) == []


def test_a_best_patch_sending_a_minority_is_not_grown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A class no patch reaches (the hash of every pixel decides it): the best patch of each
    size sends a minority of the images, well under GROW_FROM, and is never grown."""
    calls: list[Any] = []

    def counted(*args: Any) -> Any:
        calls.append(args)
        return grown(*args)

    monkeypatch.setattr(modelscan, "grown", counted)
    images = _images(40, 0)
    scan = scan_class(2, images, _scores, np.random.default_rng(0), scan_sizes(SIDE, SIDE))
    assert scan.size is None
    assert max(scan.rates.values()) < modelscan.GROW_FROM, scan.rates
    assert calls == []
