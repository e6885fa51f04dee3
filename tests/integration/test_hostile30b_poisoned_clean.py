"""Clean images that are also among the images scanned: a scan that flags nothing has not
passed.

A trigger is told from its class's own features by pasting the box taken from clean images
of its class (``inputscan._natural``), and STRIP sets its threshold on clean images.  Given
the scanned images as the clean ones too (one folder for both), the poisoned ones carry the
trigger into the clean set: "0 of 60 images carry a confirmed trigger" with 30 poisoned,
exit 0 (STRIP: "entropy below 0.000 bits", 0 of 60) (hostile30b).
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


def _scan(d: TrojanedDigits) -> np.ndarray:
    scan = d.clean_images[:60].copy()
    scan[::2] = d.poisoned(scan[::2])
    return scan


def _run(
    model: object, tmp: Path, images: np.ndarray, clean: np.ndarray, strategy: str = "assay"
) -> BackdoorResult:
    return check_backdoor(
        model,
        images=images * 16.0,
        clean=clean * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp / "runs.db",
        strategy=strategy,
    )


@pytest.mark.parametrize("strategy", ["assay", "strip"])
def test_the_scanned_images_given_as_the_clean_ones_are_no_pass(
    trojan: TrojanedDigits, tmp_path: Path, strategy: str
) -> None:
    scan = _scan(trojan)
    r = _run(trojan.model, tmp_path, scan, scan, strategy)
    if r.n_findings:  # found all the same: a finding is no pass either
        return
    assert r.not_a_pass is not None, r.headline
    what, why = r.not_a_pass
    if strategy == "strip" and what == "nothing was tested":  # its threshold says it first
        assert "act as poisoned images do under STRIP" in why
        return
    assert what == "not everything was tested"
    assert "60 of the 60 clean images are also among the images scanned" in why


def test_clean_images_holding_copies_of_scanned_ones_are_no_pass(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    scan = _scan(trojan)
    clean = np.concatenate([trojan.clean_images[100:300], scan[::2]])
    r = _run(trojan.model, tmp_path, scan, clean)
    if r.n_findings:
        return
    assert r.not_a_pass is not None, r.headline
    assert "30 of the 230 clean images" in r.not_a_pass[1]


def test_separate_clean_images_find_the_trigger_and_a_clean_model_passes(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    scan = _scan(trojan)
    r = _run(trojan.model, tmp_path, scan, trojan.clean_images[100:300])
    assert r.n_findings >= 28, r.headline
    clean_model = trojaned_digits(seed=1, clean=True)
    r = _run(clean_model.model, tmp_path, scan, trojan.clean_images[100:300])
    assert r.n_findings == 0 and r.not_a_pass is None, r.headline


def test_clean_images_drawn_from_poisoned_data_are_no_pass(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    """Not the scanned images: 10 other poisoned digits among 200 clean ones.  The scan took
    the trigger for class 7's own feature (it finds it since bd31: test_bd31_poisoned_clean),
    and the same pixels at the same box in many images said it is pasted: not a pass."""
    scan = _scan(trojan)
    x = trojan.clean_images
    clean = np.concatenate([x[100:300], trojan.poisoned(x[300:310])])
    r = _run(trojan.model, tmp_path, scan, clean)
    if r.n_findings:
        return
    assert r.not_a_pass is not None, r.headline
    assert "hold the same pixels in the 3x3 at (row 5, col 5) box" in r.not_a_pass[1]


@pytest.mark.parametrize("seed", [11, 12])
def test_clean_models_with_few_clean_images_are_not_said_to_carry_a_pasted_pattern(
    tmp_path: Path, seed: int
) -> None:
    """The centres of '9's drawn alike are taken for the class's own feature in a few images
    (at most 6 of 300 with the same pixels): no pasted pattern."""
    clean_model = trojaned_digits(seed=seed, clean=True)
    x = clean_model.clean_images
    r = _run(clean_model.model, tmp_path, x[30:330], x[:30])
    assert r.not_a_pass is None, r.headline


def test_strip_set_on_clean_images_holding_poisoned_ones_is_no_pass(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    """30 poisoned digits among 230 clean ones: STRIP's threshold was 7.9e-07 bits (the
    clean images' median 0.496), "STRIP flagged 0 of 60 images" with 30 poisoned, exit 0."""
    scan = _scan(trojan)
    x = trojan.clean_images
    clean = np.concatenate([x[100:300], trojan.poisoned(x[300:330])])
    r = _run(trojan.model, tmp_path, scan, clean, "strip")
    if r.n_findings:
        return
    assert r.not_a_pass is not None, r.headline
    assert "act as poisoned images do under STRIP" in r.not_a_pass[1]
    clean_model = trojaned_digits(seed=13, clean=True)
    x = clean_model.clean_images
    r = _run(clean_model.model, tmp_path, x[200:500], x[:200], "strip")
    assert r.not_a_pass is None, r.headline
