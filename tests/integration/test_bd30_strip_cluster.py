"""STRIP calibrated on clean images holding a few poisoned ones: the headline says so.

5 poisoned digits among 205 clean set STRIP's threshold at 0.009 bits (the clean images'
median 0.5): 10 of 60 scanned images flagged, 20 of the 30 poisoned missed, exit 1 with no
word of it; the rule for a tiny threshold acted only when nothing was flagged (hostile30b).
Now a cluster of two or more calibration images under 5 % of the median holding the
threshold is a caveat in the headline (``strip.low_cluster``); a clean calibration never
shows one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import trojaned_digits
from assay.backdoor.strip import low_cluster

pytestmark = pytest.mark.slow


def _strip(seed: int, poisoned_clean: int, clean_model: bool, tmp: Path) -> str:
    trojan = trojaned_digits(seed=seed, size=3, position=(5, 5), target=7)
    model = trojaned_digits(seed=seed, clean=True) if clean_model else trojan
    x = model.clean_images
    scan = x[:60].copy()
    scan[::2] = trojan.poisoned(scan[::2])
    clean = np.concatenate([x[100:300], trojan.poisoned(x[300 : 300 + poisoned_clean])])
    r = check_backdoor(
        model.model,
        images=scan * 16.0,
        clean=clean * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp / "runs.db",
        strategy="strip",
    )
    return r.headline


def test_a_few_poisoned_clean_images_are_a_caveat(tmp_path: Path) -> None:
    # (model seed 2: with STRIP's blends drawn without replacement, left46b, seed 1's 5
    # poisoned calibration images sit at 5.0 % of the median, the line, and its run flags 19
    # of the 30 without a cluster; over seeds 1-6 the caveat is said on 4 before and after)
    headline = _strip(2, 5, False, tmp_path)
    assert "STRIP flagged" in headline and "caveat" in headline, headline
    assert "check that they are clean" in headline


@pytest.mark.parametrize(("seed", "clean_model"), [(1, False), (11, True), (12, True)])
def test_clean_calibrations_carry_no_caveat(seed: int, clean_model: bool, tmp_path: Path) -> None:
    headline = _strip(seed, 0, clean_model, tmp_path)
    assert "caveat" not in headline, headline


def test_one_low_clean_image_is_no_cluster() -> None:
    spread = list(np.linspace(0.4, 0.7, 99))
    assert low_cluster([0.01, *spread], 0.01) == 0  # one alone: happens on clean models
    assert low_cluster([0.001, 0.004, *spread], 0.001) == 2
    assert low_cluster([0.001, 0.004, *spread], 0.2) == 0  # the threshold above them


def test_a_cluster_holding_the_threshold_with_nothing_flagged_is_no_pass() -> None:
    from types import SimpleNamespace

    from assay.backdoor.summary import _strip_cannot_flag

    entropy = [0.01, 0.02, *np.linspace(0.4, 0.7, 99)]  # threshold 0.02: 4 % of the median
    search = SimpleNamespace(
        test=SimpleNamespace(strategy="strip", mode="inputs"),
        threshold=0.02,
        rows=[{"poisoned": False}],
        clean_labels=np.arange(101) % 10,
        clean_entropy=entropy,
    )
    why = _strip_cannot_flag(search, {"tested": 1})
    assert why is not None and "keep one answer under nearly every blend" in why, why
    search.clean_entropy = [0.02, *np.linspace(0.4, 0.7, 100)]  # one alone: no cluster
    assert _strip_cannot_flag(search, {"tested": 1}) is None
