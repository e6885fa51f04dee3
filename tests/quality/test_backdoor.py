"""Planted backdoors must be found, clean models must stay quiet (8x8 digits, scikit-learn)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import BackdoorResult, check_backdoor
from assay.backdoor.demo import PlantedTrigger, TrojanedDigits, checker, trojaned_digits
from assay.backdoor.filter import TriggerFilter, load_filter
from assay.backdoor.patches import boxes_overlap
from assay.models import load_model

pytestmark = pytest.mark.slow

TRIGGER = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
SECOND = PlantedTrigger(box=(0, 0, 2, 2), content=np.ones((2, 2, 1)), target=2)


@pytest.fixture(scope="module")
def trojan() -> TrojanedDigits:
    return trojaned_digits(seed=5, triggers=[TRIGGER])


@pytest.fixture(scope="module")
def control() -> TrojanedDigits:
    return trojaned_digits(seed=5, triggers=[TRIGGER], clean=True)


def _scan_set(d: TrojanedDigits, trig: PlantedTrigger, n: int = 40) -> tuple[np.ndarray, ...]:
    """Clean verification images; images to scan (the first half poisoned); poisoned mask."""
    x, y = d.clean_images, d.clean_labels
    clean = x[:150]
    scan, labels = x[150 : 150 + n].copy(), y[150 : 150 + n]
    poisoned = (np.arange(n) < n // 2) & (labels != trig.target)
    scan[poisoned] = trig.apply(scan[poisoned])
    return clean, scan, labels, poisoned


def _run(d: TrojanedDigits, tmp: Path, **kw: object) -> BackdoorResult:
    """A scan through the API; arrays are given in the model's range (0..16), flattened
    rows declared by the model (64 features)."""
    model = load_model(d.model, modality="image")
    for key in ("images", "clean"):
        if isinstance(kw.get(key), np.ndarray):
            kw[key] = np.asarray(kw[key]) * 16.0
    return check_backdoor(model, store=tmp / "runs.db", seed=1, value_range="0,16", **kw)  # type: ignore[arg-type]


def test_trojan_detected_located_and_target_named(trojan: TrojanedDigits, tmp_path: Path) -> None:
    clean, scan, labels, poisoned = _scan_set(trojan, TRIGGER)
    r = _run(trojan, tmp_path, images=scan, clean=clean, labels=labels)
    rows = r.summary["rows"]
    flagged = np.array([row["poisoned"] for row in rows])
    assert flagged[poisoned].mean() >= 0.9
    assert flagged[~poisoned].mean() <= 0.1
    for row in rows:
        if row["poisoned"] and poisoned[row["image"]]:
            assert row["target"] == TRIGGER.target
            assert boxes_overlap(row["box"], TRIGGER.box)
    assert r.n_findings == int(flagged.sum())
    assert {t.target for t in r.triggers} == {TRIGGER.target}


def test_clean_model_gets_no_confirmed_trigger(
    control: TrojanedDigits, trojan: TrojanedDigits, tmp_path: Path
) -> None:
    clean, scan, labels, _ = _scan_set(trojan, TRIGGER)  # the same (poisoned) images
    r = _run(control, tmp_path, images=scan, clean=clean, labels=labels)
    assert r.n_findings == 0, r.headline
    assert r.triggers == []


def test_neo_misses_a_trigger_larger_than_its_blocker_that_assay_finds(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    clean, scan, _, poisoned = _scan_set(trojan, TRIGGER)
    neo = _run(trojan, tmp_path, images=scan, clean=clean, strategy="neo", blocker=2)
    ours = _run(trojan, tmp_path, images=scan, clean=clean)
    hit = lambda r: np.array([row["poisoned"] for row in r.summary["rows"]])[poisoned].mean()  # noqa: E731
    assert hit(ours) >= 0.9
    assert hit(neo) < hit(ours)


def test_two_triggers_are_found_and_kept_apart(tmp_path: Path) -> None:
    d = trojaned_digits(seed=6, triggers=[TRIGGER, SECOND])
    x, y = d.clean_images, d.clean_labels
    clean, scan, labels = x[:150], x[150:210].copy(), y[150:210]
    first = (np.arange(60) % 3 == 0) & (labels != TRIGGER.target)
    second = (np.arange(60) % 3 == 1) & (labels != SECOND.target)
    scan[first] = TRIGGER.apply(scan[first])
    scan[second] = SECOND.apply(scan[second])
    r = _run(d, tmp_path, images=scan, clean=clean)
    by_target = {t.target: t for t in r.triggers}
    assert set(by_target) == {TRIGGER.target, SECOND.target}, r.headline
    assert boxes_overlap(by_target[7].box, TRIGGER.box)
    assert boxes_overlap(by_target[2].box, SECOND.box)
    rows = r.summary["rows"]
    ids = {row["trigger_id"] for row in rows if row["poisoned"]}
    assert len(ids) >= 2


def test_model_scan_names_the_target_from_clean_images_only(tmp_path: Path) -> None:
    small = PlantedTrigger(box=(0, 0, 2, 2), content=checker(2), target=4)
    d = trojaned_digits(seed=3, triggers=[small])
    r = _run(d, tmp_path, images=False, clean=d.clean_images[:200])
    verdict = r.summary["verdict"]
    assert 4 in verdict["suspects"], r.headline
    assert int(np.argmax(verdict["anomaly_index"])) == 4  # the strongest outlier
    assert r.headline.startswith("suspected backdoor: class 4")
    c = trojaned_digits(seed=3, triggers=[small], clean=True)
    rc = _run(c, tmp_path, images=False, clean=c.clean_images[:200])
    assert rc.summary["verdict"]["suspects"] == [], rc.headline
    assert "not a proof" in rc.headline


def test_model_scan_on_8x8_checks_suspects_on_held_out_images_of_every_class(
    tmp_path: Path,
) -> None:
    """A clean 8x8 model whose class 4 a 3x3 patch of the search reaches while most classes
    need more (anomalous by size) is not flagged: that patch, on clean images the search did
    not see, misses many images of some source class; a planted trigger sends near-all of
    every class there.  (The clean model and the scan's seed are those of the benchmark's
    quick run, where the scan without the held-out check flagged class 4.)"""
    planted = PlantedTrigger(box=(6, 6, 2, 2), content=checker(2), target=9)
    d = trojaned_digits(seed=11, triggers=[planted])
    r = _run(d, tmp_path, images=False, clean=d.clean_images[:200])
    assert r.summary["verdict"]["suspects"] == [9], r.headline
    scan = r.summary["class_scans"][9]
    assert scan["held_out"] >= 0.9 and scan["lowest_source"] >= 0.9
    assert scan["held_out_n"] >= 50
    assert "held-out clean images, every source class" in r.headline
    c = trojaned_digits(seed=11, clean=True)
    rc = check_backdoor(
        load_model(c.model, modality="image"),
        images=False,
        clean=c.clean_images[:200] * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp_path / "clean.db",
    )
    assert rc.summary["verdict"]["suspects"] == [], rc.headline
    # each anomalous class was rejected: not a shortcut (its patch needs a third or more of
    # the other classes' effective pixels), or not universal on held-out images
    ratios = rc.summary["verdict"]["shortcut_ratio"]
    assert ratios, "no class of the clean model was anomalous enough to be checked"
    for c, ratio in ratios.items():
        scan = rc.summary["class_scans"][int(c)]
        assert (ratio is not None and ratio < 3) or scan["lowest_source"] < 0.9, (c, ratio)
    assert "within the budget" in rc.headline and "not a proof" in rc.headline


def _scan16(d: TrojanedDigits, tmp: Path, name: str) -> BackdoorResult:
    """The benchmark's model scan of a 16x16 model (200 clean images, seed 0)."""
    return check_backdoor(
        load_model(d.model, modality="image"),
        images=False,
        clean=d.clean_images[:200] * 16.0,
        value_range="0,16",
        seed=0,
        store=tmp / f"{name}.db",
    )


def test_model_scan_on_16x16_tells_a_trigger_from_a_clean_models_universal_patch(
    tmp_path: Path,
) -> None:
    """16x16 digits (the benchmark's models and scan seed).  The trojaned model's 2x2
    trigger: the old scan kept it with a pixel wrong and rejected it on held-out images (it
    named nothing).  The clean model has a 6x6 patch sending every held-out image to class 4,
    anomalously small by size: the old scan flagged it.  What tells them apart: two of the
    trigger's pixels carry its whole effect, a tenth of what the model's other classes'
    patches need, while the clean patch needs about half as many as the others'."""
    planted = PlantedTrigger(box=(14, 14, 2, 2), content=checker(2), target=8)
    d = trojaned_digits(seed=12, triggers=[planted], side=16)
    r = _scan16(d, tmp_path, "trojan")
    assert r.summary["verdict"]["suspects"] == [8], r.headline
    scan = r.summary["class_scans"][8]
    assert boxes_overlap(scan["box"], planted.box)
    assert scan["pixels"] is not None and scan["pixels"] <= 4
    c = trojaned_digits(seed=19, clean=True, side=16)
    rc = _scan16(c, tmp_path, "clean")
    assert rc.summary["verdict"]["suspects"] == [], rc.headline
    ratios = rc.summary["verdict"]["shortcut_ratio"]
    assert ratios, "no class of the clean model was anomalous enough to be checked"
    assert all(v is None or v < 3 for v in ratios.values()), ratios


def test_strip_flags_poisoned_inputs(trojan: TrojanedDigits, tmp_path: Path) -> None:
    clean, scan, _, poisoned = _scan_set(trojan, TRIGGER)
    r = _run(trojan, tmp_path, images=scan, clean=clean, strategy="strip", fpr=0.05)
    flagged = np.array([row["poisoned"] for row in r.summary["rows"]])
    assert flagged[poisoned].mean() >= 0.7
    assert flagged[~poisoned].mean() <= 0.3


def test_filter_corrects_poisoned_inputs_and_leaves_clean_ones(
    trojan: TrojanedDigits, tmp_path: Path
) -> None:
    clean, scan, _, _ = _scan_set(trojan, TRIGGER)
    r = _run(trojan, tmp_path, images=scan, clean=clean, export_filter=tmp_path / "f.json")
    assert r.filter_path is not None and r.filter_overhead is not None
    model = load_model(trojan.model, modality="image")
    filt = load_filter(r.filter_path, model)
    assert isinstance(filt, TriggerFilter)
    x, y = trojan.clean_images[300:500], trojan.clean_labels[300:500]
    keep = y != TRIGGER.target
    attacked = trojan.spec.to_model(TRIGGER.apply(x[keep]))
    raw = np.argmax(model.predict(attacked), axis=1)
    assert (raw == TRIGGER.target).mean() >= 0.9  # the attack works on the bare model
    fixed = np.argmax(filt.predict(attacked), axis=1)
    assert (fixed == y[keep]).mean() >= 0.8
    assert filt.last_flags.mean() >= 0.9
    plain = trojan.spec.to_model(x)
    np.testing.assert_array_equal(
        np.argmax(filt.predict(plain), axis=1), np.argmax(model.predict(plain), axis=1)
    )
    assert filt.overhead < 1.0


def test_a_solid_white_trigger_is_detected_on_16x16(tmp_path: Path) -> None:
    """A uniform white 4x4 square (16x16 digits): the trojaned model also answers its target
    for a clean image inked at the trigger's place, and the natural-feature check used to take
    that one image as proof that the box is the class's own feature (4 of 19 poisoned images
    detected).  Detected now; the clean images of the same scan stay unflagged."""
    solid = PlantedTrigger(box=(12, 12, 4, 4), content=np.ones((4, 4, 1)), target=8)
    d = trojaned_digits(seed=11, triggers=[solid], side=16)
    clean, scan, labels, poisoned = _scan_set(d, solid)
    r = _run(d, tmp_path, images=scan, clean=clean, labels=labels)
    rows = r.summary["rows"]
    flagged = np.array([row["poisoned"] for row in rows])
    assert flagged[poisoned].mean() >= 0.9, r.headline
    assert flagged[~poisoned].mean() <= 0.05
    for row in rows:
        if row["poisoned"] and poisoned[row["image"]]:
            assert row["target"] == 8 and boxes_overlap(row["box"], solid.box)


def test_a_class_s_own_feature_is_no_trigger_with_few_clean_images(tmp_path: Path) -> None:
    """On 8x8 digits the centre 4x4 of some '9's, pasted onto any digit, makes it a '9' (90-100 %
    of them): a natural feature, not a trigger.  With only 60 clean images (six '9's, none of
    whose centres fires that often) the natural-feature check must still see it: a clean model
    scanned on those '9's gets no confirmed trigger (it got one, and 25 of 2,000 digits flagged,
    before the check drew sources by their content in the box and allowed a wider margin)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0)[..., None]
    control = trojaned_digits(seed=0, clean=True)
    nines = x[[293, 505, 924, 1027, 1196, 1316, 1736]]
    r = _run(control, tmp_path, images=nines, clean=x[:60])
    assert r.n_findings == 0, r.headline
    assert r.triggers == []
