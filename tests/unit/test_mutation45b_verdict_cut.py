"""The headline of a model scan whose budget ran out in its verdict (``backdoor.summary.
_verdict_cut``) with more than one class a patch reaches (mutation45b): hostile44b's test
has one anomalously small patch among ten classes, so its list was never read beyond that
class.  Here two classes are anomalously small and two are not: the list names exactly the
two, each with the anomaly index the verdict itself would have computed (an unscanned class
counted one side past the largest size tried, as ``technique`` does)."""

from __future__ import annotations

import numpy as np
import pytest
import test_hostile44b_verdict_cut
from test_hostile44b_verdict_cut import _search

from assay.backdoor.modelscan import anomaly_index, scan_sizes
from assay.backdoor.summary import _model_summary

# six classes no patch of the sizes tried reached, two small patches (4 and 11 pixels a
# side), two classes reached only by the largest size (16: no anomaly)
SIDES = [None, None, None, 16, 4, None, 11, None, 16, None]


def test_the_cut_verdict_lists_every_anomalously_small_class_and_only_those(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(test_hostile44b_verdict_cut, "SIDES", SIDES)  # (read by ``_search``)
    headline = _model_summary(_search(None))["headline"]
    sizes = scan_sizes(32, 32)
    index = anomaly_index(
        np.asarray([s if s is not None else sizes[-1] + 1 for s in SIDES], dtype=np.float64)
    )
    # the unscanned classes at 17: median 17, scale 1.4826 * 1.7, class 4's index 13 / 2.52
    assert f"{index[4]:.1f}" == "5.2" and f"{index[6]:.1f}" == "2.4"
    said = [
        f"class sku_4: a 4x4 patch at (row 1, col 1) sends 98% of clean images there, "
        f"anomaly index {index[4]:.1f}",
        f"class sku_6: a 11x11 patch at (row 1, col 1) sends 60% of clean images there, "
        f"anomaly index {index[6]:.1f}",
    ]
    assert "(" + "; ".join(said) + ")" in headline, headline
    # a class reached by the largest size alone is no anomaly: not listed
    assert "sku_3" not in headline and "sku_8" not in headline, headline
