"""mutation49b: STRIP's caveat for a threshold set by clean images that act as poisoned ones
(``backdoor.summary._strip_cannot_flag``, left48b) names the clean images under the
"one answer under nearly every blend" line (``STRIP_LOW`` of their median), not only those
under the threshold itself: one, the lowest, set it, and so named none at all."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assay.backdoor.strip import STRIP_LOW
from assay.backdoor.summary import _strip_cannot_flag


def test_the_caveat_names_the_clean_images_that_act_as_poisoned_ones() -> None:
    # (SU10) two calibration images at 0.001 and 0.02 bits beside a median of 0.5: the
    # threshold (0.001) is the lowest's; both are under 5 % of the median
    entropy = [0.5, 0.001, 0.6, 0.45, 0.02, 0.55, 0.5, 0.4]
    test = SimpleNamespace(strategy="strip", mode="inputs", clean=np.zeros((16, 2, 2, 1)),
                           clean_names=None, clean_index=None)  # fmt: skip
    search = SimpleNamespace(test=test, threshold=0.001, rows=[], clean_entropy=entropy,
                             clean_labels=np.array([0, 1] * 8))  # fmt: skip
    said = _strip_cannot_flag(search, {"tested": 8})
    assert said is not None and "STRIP's threshold (0.001 bits) was set by clean" in said
    line = STRIP_LOW * float(np.median(entropy))
    assert f"the 2 under {line:.2g} bits, lowest first: 9, 12; counted from 0" in said, said
