"""A trigger towards class c is confirmed by pasting it on clean images the model puts in
other classes.  A clean set of one class cannot confirm a trigger towards that class: a
trojaned model's poisoned images (all answered c) then read '0 of 40 images carry a
confirmed trigger' and the run exited 0; the model scan from clean images of one class
passed the same model.  Neither is a pass."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import BackdoorResult, check_backdoor
from assay.backdoor.demo import PlantedTrigger, TrojanedDigits, checker, trojaned_digits
from assay.models import load_model

pytestmark = pytest.mark.slow

TRIGGER = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)


@pytest.fixture(scope="module")
def trojan() -> TrojanedDigits:
    return trojaned_digits(seed=5, triggers=[TRIGGER])


def _answers(d: TrojanedDigits, images: np.ndarray) -> np.ndarray:
    out: np.ndarray = d.model.predict(d.spec.to_model(images))
    return out


def _sets(d: TrojanedDigits, clean_class: int, extra: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Clean images the model puts in ``clean_class`` (and ``extra`` of other classes);
    40 poisoned images (digits other than the target, carrying the trigger)."""
    x, y = d.clean_images, d.clean_labels
    answers = _answers(d, x)
    own = x[answers == clean_class][:30]
    other = x[(answers != clean_class) & (y != clean_class)][:extra]
    scan = TRIGGER.apply(x[y != TRIGGER.target][-40:])
    assert (_answers(d, scan) == TRIGGER.target).mean() > 0.9
    return np.concatenate([own, other]), scan


def _run(d: TrojanedDigits, tmp: Path, **kw: object) -> BackdoorResult:
    model = load_model(d.model, modality="image")
    for key in ("images", "clean"):
        if isinstance(kw.get(key), np.ndarray):
            kw[key] = np.asarray(kw[key]) * 16.0
    return check_backdoor(model, store=tmp / "runs.db", seed=1, value_range="0,16", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("strategy", ["assay", "neo"])
def test_clean_images_all_of_the_target_class_test_nothing(
    trojan: TrojanedDigits, tmp_path: Path, strategy: str
) -> None:
    clean, scan = _sets(trojan, TRIGGER.target)
    r = _run(trojan, tmp_path, images=scan, clean=clean, strategy=strategy)
    assert r.untested is not None, r.headline
    assert r.headline.startswith("NOTHING WAS TESTED"), r.headline
    assert "clean images in other classes" in r.untested
    rows = r.summary["rows"]
    assert {row["status"] for row in rows if row["prediction"] == TRIGGER.target} == {"unverified"}


def test_a_few_clean_images_of_another_class_do_not_confirm_a_trigger(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    """Three images of other classes: a patch that flips them read as confirmed at 100 %."""
    clean, scan = _sets(trojan, TRIGGER.target, extra=3)
    r = _run(trojan, tmp_path, images=scan, clean=clean)
    assert r.n_findings == 0 and r.untested is not None, r.headline


def test_enough_clean_images_of_other_classes_still_find_the_trigger(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    clean, scan = _sets(trojan, TRIGGER.target, extra=20)
    r = _run(trojan, tmp_path, images=scan, clean=clean)
    assert r.untested is None, r.headline
    assert r.n_findings >= 36, r.headline


def test_a_model_scan_from_clean_images_of_one_class_tests_nothing(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    clean, _ = _sets(trojan, 3)
    r = _run(trojan, tmp_path, clean=clean, max_queries=200_000)
    if r.n_findings:  # a suspect found from one class is a finding: that is no pass either
        return
    assert r.untested is not None, r.headline
    assert "one class" in r.untested
