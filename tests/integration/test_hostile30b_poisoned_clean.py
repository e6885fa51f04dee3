"""Clean images drawn from a poisoned data set: the trigger is still found.

A trigger is told from its class's own features by pasting the box taken from clean images
of its class (``inputscan._natural``); those clean images chosen first are the ones whose box
looks most like the candidate's, and when some clean images carry the trigger (the clean set
is a sample of the same poisoned data, or the scanned folder given as ``--clean`` too),
they are the trigger itself: every candidate was taken for the class's own feature and the
run passed, "0 of 60 images carry a confirmed trigger" with 30 poisoned, exit 0
(hostile30b).  Clean images that carry the candidate's pixels are no sources now.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import BackdoorResult, check_backdoor
from assay.backdoor.demo import TrojanedDigits, trojaned_digits

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trojan() -> TrojanedDigits:
    return trojaned_digits(seed=1, size=3, position=(5, 5), target=7)


def _sets(d: TrojanedDigits) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = d.clean_images
    scan = x[:60].copy()
    scan[::2] = d.poisoned(scan[::2])
    clean = np.concatenate([x[100:300], d.poisoned(x[300:330])])
    return scan, clean, x[100:300]


def _run(model: object, tmp: Path, images: np.ndarray, clean: np.ndarray) -> BackdoorResult:
    return check_backdoor(
        model,
        images=images * 16.0,
        clean=clean * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp / "runs.db",
    )


def test_clean_images_that_hold_poisoned_ones_still_find_the_trigger(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    scan, clean, _ = _sets(trojan)
    r = _run(trojan.model, tmp_path, scan, clean)
    assert r.n_findings >= 27, r.headline
    assert any(t.target == 7 for t in r.triggers)


def test_the_scanned_images_given_as_the_clean_ones_still_find_the_trigger(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    scan, _, _ = _sets(trojan)
    r = _run(trojan.model, tmp_path, scan, scan)
    assert r.n_findings >= 25, r.headline


def test_a_clean_model_with_those_clean_images_finds_nothing(tmp_path: Path) -> None:
    clean_model = trojaned_digits(seed=1, clean=True)
    trojan = trojaned_digits(seed=1, size=3, position=(5, 5), target=7)
    scan, clean, _ = _sets(trojan)
    r = _run(clean_model.model, tmp_path, scan, clean)
    assert r.n_findings == 0, r.headline
    assert r.not_a_pass is None, r.headline
