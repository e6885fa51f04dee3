"""mutation31: a scan that ended before some images it was given, having left others it
scanned untested, says both (mutant BD6: the images not tested left out of the reason when
images were not reached too)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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
    assert "undecided (each one's own budget, max_queries_per_image 10" in why, why


def test_both_sets_named_when_the_model_takes_both_sizes(tmp_path: Path) -> None:
    """A model answering images of any size takes both sets: neither is wrong alone, both
    are named (mutants BD29 and BD30: one set named as the one the model does not take)."""
    from test_bd30_wrong_size import _files, _refusal

    from assay.backdoor.demo import trojaned_digits

    def any_size(rows: np.ndarray) -> np.ndarray:
        p = np.asarray(rows, dtype=float).reshape(len(rows), -1).mean(axis=1) / 16.0
        return np.stack([1.0 - p, p], axis=1)

    scan8, _, _, clean16 = _files(trojaned_digits(seed=1, clean=True), tmp_path)
    err = _refusal(any_size, scan8, clean16, tmp_path)
    assert scan8 in str(err) and clean16 in str(err), str(err)
    assert "give both at the size the model takes" in str(err), str(err)
