"""hostile25b: a trigger is told from its class's own features by pasting the same box from
clean images of the class; with none (or one) there, a 16x16 centre of an '8' passed as a
trigger on 32x32 digits when the clean images were '3's, and the headline said nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits
from assay.models import load_model

pytestmark = pytest.mark.slow

TRIGGER = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)


def test_a_trigger_whose_class_holds_no_clean_image_is_said_to_be_unchecked(
    tmp_path: Path,
) -> None:
    d = trojaned_digits(seed=5, triggers=[TRIGGER])
    x, y = d.clean_images, d.clean_labels
    answers = d.model.predict(d.spec.to_model(x))
    clean = x[(answers != TRIGGER.target) & (y != TRIGGER.target)][:60]
    scan = TRIGGER.apply(x[y != TRIGGER.target][-12:])
    model = load_model(d.model, modality="image")
    r = check_backdoor(
        model,
        images=scan * 16.0,
        clean=clean * 16.0,
        value_range="0,16",
        seed=1,
        store=tmp_path / "r.db",
    )
    assert r.n_findings, r.headline
    assert "NOT checked against its class's own features" in r.headline
    assert "class 7 (0)" in r.headline
    metric = "triggers not checked against their class (too few clean images in it)"
    assert r.summary["metrics"][metric] == 1


def test_a_trigger_whose_class_holds_clean_images_is_not_said_to_be(tmp_path: Path) -> None:
    d = trojaned_digits(seed=5, triggers=[TRIGGER])
    x, y = d.clean_images, d.clean_labels
    scan = TRIGGER.apply(x[y != TRIGGER.target][-12:])
    model = load_model(d.model, modality="image")
    r = check_backdoor(
        model,
        images=scan * 16.0,
        clean=x[:100] * 16.0,
        value_range="0,16",
        seed=1,
        store=tmp_path / "r.db",
    )
    assert r.n_findings, r.headline
    assert "NOT checked" not in r.headline
