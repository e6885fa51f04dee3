"""mutation31: backdoor lines merged late in the thirtieth session whose mutants the tests
written with them let live (bench/RESULTS.md, mutation31's table): the bounds of
``overlap.pasted_feature`` (at least ``PASTED_LEAST`` images and ``PASTED_SHARE`` of those
scanned hold the same pixels at the box the natural-feature check rejected), and STRIP's
tiny threshold set by one clean image alone (no cluster), which flags nothing: no pass."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from assay.backdoor.overlap import PASTED_LEAST, pasted_feature
from assay.backdoor.summary import _strip_cannot_flag
from assay.cli.backdoor_cmd import filter_line

BOX = [2, 2, 3, 3]


def _scan(n: int, pasted: int) -> tuple[list[dict[str, Any]], np.ndarray]:
    """``n`` scanned 8x8 images of noise, the first ``pasted`` holding one 3x3 patch at
    ``BOX``, each of those rejected there as its class's own feature."""
    rng = np.random.default_rng(0)
    images = rng.random((n, 8, 8, 1))
    images[:pasted, 2:5, 2:5, :] = 0.5
    rows: list[dict[str, Any]] = [{"image": i, "prediction": 1} for i in range(n)]
    for row in rows[:pasted]:
        row["natural"] = list(BOX)
    return rows, images


def test_exactly_the_least_number_of_alike_images_is_a_pasted_pattern() -> None:
    """10 images of 60 (the least, over 5 % of 60): taken (mutants BD9 ``<=``, BD10 ``>``)."""
    rows, images = _scan(60, PASTED_LEAST)
    assert pasted_feature(rows, images) == (tuple(BOX), PASTED_LEAST)
    rows, images = _scan(60, PASTED_LEAST - 1)
    assert pasted_feature(rows, images) is None


def test_among_many_scanned_the_share_counts() -> None:
    """12 alike images among 300 scanned are under 5 % of them (15): no pattern, though over
    ``PASTED_LEAST`` (mutant BD8: the least alone); 15 are."""
    rows, images = _scan(300, 12)
    assert pasted_feature(rows, images) is None
    rows, images = _scan(300, 15)
    assert pasted_feature(rows, images) == (tuple(BOX), 15)


def _strip(threshold: float, entropy: list[float]) -> Any:
    test = SimpleNamespace(strategy="strip", mode="inputs")
    return SimpleNamespace(
        test=test, threshold=threshold, rows=[{"poisoned": False}] * 20, clean_labels=None,
        clean_entropy=entropy,
    )  # fmt: skip


def test_a_tiny_threshold_set_by_one_clean_image_is_no_pass() -> None:
    """One clean image at 0.2 % of the median set the threshold (no cluster: one alone):
    under 1 % of the median, it flags almost nothing, and a scan that flagged nothing is
    no pass (mutant BD18: only a cluster was said)."""
    entropy = [0.001, *np.linspace(0.4, 0.6, 19).tolist()]
    why = _strip_cannot_flag(_strip(0.001, entropy), {"tested": 20})
    assert why is not None and "STRIP's threshold (0.001 bits)" in why, why
    assert _strip_cannot_flag(_strip(0.4, entropy), {"tested": 20}) is None


def test_the_filter_line_says_how_many_forms_the_filter_matches() -> None:
    """One trigger confirmed as three boxes or patterns: the filter matches all three, and
    its line says so (mutant BD27: the count left out); one form: nothing more said."""
    result = SimpleNamespace(
        triggers=["t"], trigger_forms=["t", "u", "v"], filter_path="f.json",
        filter_overhead=0.25, filter_overhead_clean=None,
    )  # fmt: skip
    line = filter_line(result)
    assert "1 trigger(s) (3 boxes or pixel patterns they were confirmed as);" in line, line
    result.trigger_forms = ["t"]
    assert "1 trigger(s); overhead" in filter_line(result)
