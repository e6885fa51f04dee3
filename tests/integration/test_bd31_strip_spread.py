"""STRIP calibrated on clean images holding poisoned ones whose entropies spread is no longer
silent.

A few poisoned images among the clean ones (--clean drawn from poisoned data) set STRIP's
threshold under the lowest of them; when their entropies spread (0.8 %, 5.9 %, 12.6 % of the
clean images' median) they make no tight cluster (``strip.low_cluster``, bd30), and the run
said "STRIP flagged 1 of 60 images" with 30 poisoned scanned, exit 1 and no word of the 29
missed (bd30's Left 1).  The scanned images left unflagged under a fifth of the clean
images' median, more than the clean images' own share there explains, are now said
(``strip.low_unflagged``): a caveat beside what was flagged, no pass when nothing was.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from bd31_setups import poisoned_sets, scanned

from assay.backdoor.phases import BackdoorResult
from assay.backdoor.strip import low_unflagged
from assay.backdoor.summary import _strip_cannot_flag

pytestmark = pytest.mark.slow


def _strip(seed: int, n_poisoned_clean: int, clean_model: bool, tmp_path: Path) -> BackdoorResult:
    # 30 poisoned of 60 scanned (other clean digits make other calibrations: bench/RESULTS.md)
    sets = poisoned_sets(
        seed, 60, slice(0, 60, 2), n_poisoned_clean, clean_model, clean_from=(100, 400)
    )
    return scanned(sets, tmp_path / "runs.db", strategy="strip")


def test_poisoned_calibration_images_that_spread_are_said(tmp_path: Path) -> None:
    # (seed 8: with STRIP's blends drawn without replacement, left46b, seed 3's poisoned
    # calibration images make a cluster, said as bd30's caveat instead; over seeds 3-8 a
    # caveat is said on 6 of 6 before and after, this one on 2 of 6 each)
    r = _strip(8, 5, False, tmp_path)
    assert r.n_findings < 5, r.headline  # (most of the 30 poisoned missed: the set-up holds)
    assert "caveat:" in r.headline, r.headline  # before: none
    assert "of the 60 images scanned keep nearly one answer" in r.headline, r.headline
    assert "check that they are clean" in r.headline


@pytest.mark.parametrize("seed", [11, 13])
def test_clean_models_and_clean_calibrations_stay_quiet(seed: int, tmp_path: Path) -> None:
    r = _strip(seed, 0, True, tmp_path)
    assert "caveat" not in r.headline, r.headline
    assert r.not_a_pass is None, r.not_a_pass


def test_a_trojan_calibrated_on_clean_images_flags_without_a_caveat(tmp_path: Path) -> None:
    r = _strip(3, 0, False, tmp_path)
    assert r.n_findings >= 25 and "caveat" not in r.headline, r.headline


SPREAD = [0.3 + 0.01 * i for i in range(99)]  # a clean calibration, median about 0.79


def test_low_unflagged() -> None:
    calibration = [0.005, *SPREAD]
    assert low_unflagged(calibration, 0.005, [0.05] * 10 + [0.6] * 50) == 10
    assert low_unflagged(calibration, 0.005, [0.05] * 2 + [0.6] * 58) == 0  # too few
    assert low_unflagged(calibration, 0.005, [0.001] * 10 + [0.6] * 50) == 0  # all flagged
    assert low_unflagged(calibration, 0.2, [0.18] * 10 + [0.6] * 50) == 0  # threshold above
    # as many clean images as scanned ones under the line: what clean images do
    many = [0.005] + [0.05] * 15 + SPREAD[15:]
    assert low_unflagged(many, 0.005, [0.05] * 10 + [0.6] * 50) == 0
    assert low_unflagged(calibration, 0.005, [0.05] * 3000 + [0.6] * 7000) == 3000  # no overflow


def test_a_strip_scan_that_flagged_nothing_so_has_not_passed() -> None:
    search = SimpleNamespace(
        test=SimpleNamespace(strategy="strip", mode="inputs"),
        threshold=0.05,
        rows=[{"poisoned": False, "entropy": e} for e in [0.06] * 10 + [0.6] * 50],
        clean_labels=np.arange(100) % 10,
        clean_entropy=[0.05, *SPREAD],
    )
    why = _strip_cannot_flag(search, {"tested": 60})
    assert why is not None and "10 of the 60 images scanned keep nearly one answer" in why, why
    search.rows = [{"poisoned": False, "entropy": 0.6} for _ in range(60)]
    assert _strip_cannot_flag(search, {"tested": 60}) is None
