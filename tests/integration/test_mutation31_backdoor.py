"""mutation31: a scan that ended before some images it was given, having left others it
scanned untested, says both (mutant BD6: the images not tested left out of the reason when
images were not reached too)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_hostile30b_untested_images import _run, _scan_set, trojan

from assay.backdoor.demo import TrojanedDigits

pytestmark = pytest.mark.slow

__all__ = ["trojan"]  # (the fixture, shared)


def test_images_not_reached_and_images_not_tested_are_both_said(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    x = trojan.clean_images
    r = _run(
        trojan, tmp_path, images=_scan_set(trojan), clean=x[-200:], max_queries_per_image=10,
        max_queries=800,
    )  # fmt: skip
    assert r.not_a_pass is not None and r.not_a_pass[0] == "not everything was tested", r
    why = r.not_a_pass[1]
    assert "were not reached" in why and "; also, " in why, why
    assert "undecided (each one's own budget, --max-queries-per-image 10" in why, why
