"""A backdoor scan's reasons for not passing, at the edges a wrong comparison would pass.

Each test kills a one-token bug (a mutation) that the rest of the suite let through
(bench/RESULTS.md, "mutation20"): a single image left unscanned by the budget, and a STRIP
threshold of exactly 0 bits (under which no image can be flagged).  What a scan's search
holds is given as plain attributes, as ``backdoor.summary`` reads them.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assay.backdoor.summary import _not_reached, _strip_cannot_flag


def test_one_image_the_budget_did_not_reach_is_not_everything_tested() -> None:
    """4 of 5 images scanned, nothing found: the fifth may carry a trigger (exit 2)."""
    search = SimpleNamespace(
        test=SimpleNamespace(mode="inputs", images=np.zeros((5, 2, 2, 1)), chunk=None),
        rows=[{"poisoned": False}] * 4,
        model=None,
    )
    why = _not_reached(search, {"metrics": {"images not reached": 1}})
    assert why is not None and why.startswith("1 of 5 images were not reached")
    assert _not_reached(search, {"metrics": {"images not reached": 0}}) is None


def test_a_strip_threshold_of_zero_bits_can_flag_nothing() -> None:
    """The clean images keep one answer under every blend (entropy 0): the threshold is 0
    bits, an image is flagged below it, and none can be: nothing was tested."""
    search = SimpleNamespace(
        test=SimpleNamespace(strategy="strip", mode="inputs"),
        threshold=0.0,
        rows=[{"poisoned": False}] * 3,
        clean_labels=np.array([0, 1, 2]),
        clean_entropy=[0.0, 0.0, 0.0],
    )
    why = _strip_cannot_flag(search, {"tested": 3})
    assert why is not None and why.startswith("STRIP's threshold is 0 bits")
    search.threshold = 0.2
    assert _strip_cannot_flag(search, {"tested": 3}) is None
