"""The input scan's and the model scan's decisions at the edges a one-token bug would pass
(bench/RESULTS.md, "mutation22"): a flip rate exactly at the threshold confirms a trigger;
verification images are of other classes; a known trigger matches images of its own class
only, and its exact pixels decide when blocking changes nothing; a candidate that missed
too many images is out before the rest are asked; the corrected label sets the trigger's
class aside unless the fills are sure of it; a finding's columns; STRIP's entropy of a model
answering labels; a patch's lowest source class and the shortcut ratio's other classes."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from assay.backdoor.inputscan import _confirm, check_known, neo_scan, pick_verification
from assay.backdoor.modelscan import ClassScan, shortcut_ratio, universality
from assay.backdoor.patches import Trigger
from assay.backdoor.repair import combined_label
from assay.backdoor.strip import blend_entropy, strip_rank, strip_rate
from assay.backdoor.technique import BackdoorSearch, BackdoorTest
from assay.backdoor.verdicts import ImageVerdict
from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities

LABEL = 5


def _verify(n: int) -> np.ndarray:
    """n black 4x4 images of class 0, image i marked (i + 1) / 100 at (3, 3)."""
    x = np.zeros((n, 4, 4, 1))
    x[:, 3, 3, 0] = (np.arange(n) + 1) / 100
    return x


def _labeler(fires: set[int], calls: list[int] | None = None) -> object:
    """Class 5 for the suspect (unmarked) and for marked images in ``fires`` when the pixel at
    (0, 0) is white; else 0.  ``calls``: the size of each call, appended."""

    def labels(x: np.ndarray) -> np.ndarray:
        if calls is not None:
            calls.append(len(x))
        ids = np.rint(x[:, 3, 3, 0] * 100).astype(int) - 1
        fire = np.isin(ids, list(fires)) | (ids < 0)
        return np.where((x[:, 0, 0, 0] == 1.0) & fire, LABEL, 0)

    return labels


def _suspect() -> np.ndarray:
    image = np.zeros((4, 4, 1))
    image[0, 0, 0] = 1.0
    return image


def test_neo_confirms_a_flip_rate_exactly_at_its_threshold() -> None:
    """5 of 10 verification images flipped, threshold 0.5: a trigger."""
    verify = _verify(10)
    v = neo_scan(
        0, _suspect(), LABEL, _labeler({0, 1, 2, 3, 4}), verify, np.zeros(10, dtype=int),  # type: ignore[arg-type]
        np.random.default_rng(0), blocker=2, n_verify=10, threshold=0.5,
    )  # fmt: skip
    assert v.poisoned and v.flip_rate == 0.5 and v.target == LABEL


def test_verification_images_are_of_other_classes_only() -> None:
    rng = np.random.default_rng(0)
    assert pick_verification(np.array([5, 0, 5, 1]), 5, 10, rng).tolist() == [1, 3]


def _confirm_with(fires: set[int], calls: list[int] | None = None) -> float | None:
    verify = _verify(20)
    return _confirm(
        _suspect(), (0, 0, 1, 1), LABEL, _labeler(fires, calls), verify, 0.9, verify,  # type: ignore[arg-type]
        np.zeros(20, dtype=int),
    )  # fmt: skip


def test_a_flip_rate_exactly_at_the_threshold_is_confirmed() -> None:
    """18 of 20 at 0.9: confirmed at 0.9; 17 of 20: not."""
    assert _confirm_with(set(range(18))) == 0.9
    assert _confirm_with(set(range(17))) is None


def test_a_candidate_that_missed_too_many_is_out_before_the_rest_are_asked() -> None:
    """Threshold 0.9 of 20 allows 2 misses: 3 in the first 5 end it after those 5."""
    calls: list[int] = []
    assert _confirm_with(set(range(3, 20)), calls) is None
    assert calls == [5]


def _checker() -> Trigger:
    content = np.array([[[1.0], [0.0]], [[0.0], [1.0]]])
    return Trigger(box=(0, 0, 2, 2), content=content, target=LABEL, flip_rate=1.0, source=0)


def _carrier() -> np.ndarray:
    image = np.zeros((4, 4, 1))
    image[:2, :2] = _checker().content
    return image


def test_a_known_trigger_matches_images_of_its_own_class_only() -> None:
    """The image carries a class-5 trigger's pixels but the model puts it in class 3."""
    v = check_known(0, _carrier(), 3, lambda x: np.zeros(len(x), dtype=int), [_checker()])
    assert v is None


def test_a_known_triggers_exact_pixels_decide_when_blocking_changes_nothing() -> None:
    """Blocked, the image is still class 5 (the model reads it so anyway); the checker is not
    mostly background: the image carries the confirmed trigger."""
    v = check_known(0, _carrier(), LABEL, lambda x: np.full(len(x), LABEL), [_checker()])
    assert v is not None and v.poisoned and v.known


def test_the_corrected_label_sets_the_triggers_class_aside_unless_sure() -> None:
    assert combined_label(np.array([[0.2, 0.7, 0.1]]), target=1) == 0
    assert combined_label(np.array([[0.02, 0.95, 0.03]]), target=1) == 1


def test_a_findings_outputs_are_the_label_the_corrected_label_and_the_target() -> None:
    clean = np.zeros((3, 4, 4, 1))
    fake = SimpleNamespace(
        test=SimpleNamespace(clean=clean, strategy="assay"),
        clean_labels=np.array([LABEL, 0, 1]),
        _names=lambda index: {},
    )
    v = ImageVerdict(
        index=2, label=LABEL, poisoned=True, box=(0, 0, 2, 2), trigger=_checker(),
        target=LABEL, flip_rate=0.95, corrected=1,
    )  # fmt: skip
    batch = BackdoorSearch._finding(fake, v, _carrier())  # type: ignore[arg-type]
    assert batch.outputs.tolist() == [[LABEL, 1, LABEL]]
    assert batch.columns["corrected"].tolist() == [1]
    assert batch.columns["target"].tolist() == [LABEL]


def test_strip_reads_a_label_only_models_blends_by_their_labels() -> None:
    """One-hot answers alternating between two classes: each blend's own entropy is 0, the
    labels' histogram holds 1 bit."""

    def alternating(x: np.ndarray) -> np.ndarray:
        return np.eye(2)[np.arange(len(x)) % 2]

    ent = blend_entropy(
        np.zeros((3, 2, 2, 1)), alternating, np.zeros((4, 2, 2, 1)), np.random.default_rng(0), 10
    )
    assert np.allclose(ent, 1.0)


def test_a_patchs_lowest_source_class_is_its_weakest() -> None:
    hits = np.array([True, True, True, False])
    rate, lowest = universality(hits, np.array([0, 0, 1, 1]))
    assert (rate, lowest) == (0.75, 0.5)


def test_the_shortcut_ratio_compares_with_the_other_classes_only() -> None:
    assert shortcut_ratio([2, 10, 12, None], 0) == 5.5
    assert shortcut_ratio([2, None, None], 0) is None


def test_strips_rank_is_the_conformal_one_of_n_plus_one() -> None:
    """39 clean images at 5 %: the 2nd lowest (2 / 40 = 5 %), not the 1st (floor(0.05 * 39))."""
    assert strip_rank(39, 0.05) == 2 and strip_rate(39, 0.05) == 0.05
    for n in range(1, 300):
        k = strip_rank(n, 0.05)
        assert k == max(1, int(0.05 * (n + 1) + 1e-9))
        assert k / (n + 1) <= 0.05 or k == 1


# -- the model scan's suspect rules ----------------------------------------------------------
class Marked:
    """Canonical 4x4 grey images: the class is 10 x the pixel at (3, 3); a white pixel at
    (0, 0) sends class 1 to class 0 always, and class 2 only when (3, 0) is white too."""

    capabilities = Capabilities(modality="image", n_classes=3, outputs="labels")

    def predict(self, x: object, /) -> np.ndarray:
        a = np.asarray(x, dtype=np.float64)
        cls = np.rint(a[:, 3, 3, 0] * 10).astype(np.int64)
        patch = a[:, 0, 0, 0] == 1.0
        fires = patch & ((cls == 1) | ((cls == 2) & (a[:, 3, 0, 0] == 1.0)))
        return np.where(fires, 0, cls)


def _clean(own_feature: bool = False) -> np.ndarray:
    """5 images of class 0 (white at (0, 0) when ``own_feature``), 300 of class 1, 60 of class
    2 of which 42 (70 %) carry the marker at (3, 0); each image distinct."""
    rng = np.random.default_rng(0)
    classes = np.repeat([0, 1, 2], [5, 300, 60])
    x = rng.uniform(0.1, 0.6, (len(classes), 4, 4, 1))
    x[:, 3, 3, 0] = classes / 10
    x[:, 0, 0, 0] = 0.0
    x[classes == 2, 3, 0, 0] = np.where(np.arange(60) < 42, 1.0, 0.0)
    if own_feature:
        x[classes == 0, 0, 0, 0] = 1.0
    return x


def _search(own_feature: bool = False) -> BackdoorSearch:
    clean = _clean(own_feature)
    search = BackdoorSearch(
        BackdoorTest(clean=clean).validate(), BudgetedModel(Marked()), np.random.default_rng(0)
    )
    search.clean_labels = np.rint(clean[:, 3, 3, 0] * 10).astype(np.int64)
    return search


def _patch() -> ClassScan:
    return ClassScan(0, 1, 1.0, (0, 0, 1, 1), np.ones((1, 1, 1)), {})


def test_the_held_out_check_asks_every_source_class_strictly_or_by_a_majority() -> None:
    """Held out, the patch sends about 95 % of the images to class 0 but only 70 % of class
    2: not universal under the strict check (90 % of every class), universal under the
    lenient one (a majority of every class)."""
    search = _search()
    scan = _patch()
    assert not search._universal(scan, strict=True)
    assert scan.held_out is not None and scan.held_out >= 0.9
    assert scan.lowest_source is not None and 0.5 < scan.lowest_source < 0.9
    assert search._universal(_patch(), strict=False)


def test_a_patch_the_classs_own_images_carry_is_its_natural_feature() -> None:
    assert _search(own_feature=True)._natural_patch(_patch())
    assert not _search()._natural_patch(_patch())


def _verdict(pixels: list[int | None]) -> tuple[dict[str, Any], list[bool]]:
    """The model scan's verdict with class 0's patch anomalously small (size 1 against 4),
    the effective pixels as given, every patch neither natural nor refused held out (the
    strictness asked, recorded)."""
    search = _search()
    search.class_scans = [
        ClassScan(c, 1 if c == 0 else 4, 1.0, (0, 0, 1, 1), np.ones((1, 1, 1)), {})
        for c in range(3)
    ]
    for scan, n in zip(search.class_scans, pixels, strict=True):
        scan.pixels, scan.polished = n, True
    asked: list[bool] = []
    search._count_pixels = lambda scan, recount=False: None  # type: ignore[method-assign]
    search._natural_patch = lambda scan: False  # type: ignore[method-assign]

    def universal(scan: ClassScan, strict: bool = True) -> bool:
        asked.append(strict)
        return True

    search._universal = universal  # type: ignore[method-assign]
    search._model_verdict()
    assert search.verdict is not None
    return search.verdict, asked


def test_a_shortcut_ratio_between_the_two_bounds_is_checked_strictly() -> None:
    """Ratio 4: a shortcut (at least 3), not a strong one (below 6): held out strictly."""
    verdict, asked = _verdict([2, 8, 8])
    assert verdict["suspects"] == [0] and asked == [True]
    verdict, asked = _verdict([2, 2, 2])  # ratio 1: the class's patch is no shortcut
    assert verdict["suspects"] == [] and asked == []


def test_a_suspect_with_no_other_class_to_compare_with_is_checked_strictly() -> None:
    verdict, asked = _verdict([2, None, None])
    assert verdict["suspects"] == [0] and asked == [True]


class Constant:
    capabilities = Capabilities(modality="image", n_classes=3, outputs="labels")

    def predict(self, x: object, /) -> np.ndarray:
        return np.ones(len(np.asarray(x)), dtype=np.int64)


def test_strip_flags_an_entropy_below_the_threshold_not_one_equal_to_it() -> None:
    """A model with one answer: every entropy is 0, the threshold 0 bits, and an image at the
    threshold is as likely as a clean one: none is flagged (below it, the rate is at most the
    rate asked)."""
    clean = _clean()
    test = BackdoorTest(clean=clean, images=clean[:8], strategy="strip").validate()
    search = BackdoorSearch(test, BudgetedModel(Constant()), np.random.default_rng(0))
    found = []
    while search.phase != "done":
        found += search.step()
    assert search.threshold == 0.0
    assert len(search.rows) == 8 and not any(r["poisoned"] for r in search.rows)
    assert found == []


def test_an_image_with_too_few_clean_images_of_other_classes_is_unverified() -> None:
    """9 clean images of other classes than the image's (10 needed): no trigger can be
    confirmed on them, and the image is said unverified, never clean."""
    clean = _clean()
    few = np.concatenate([clean[5:305][:20], clean[305:][:9]])  # 20 of class 1, 9 of class 2
    image = clean[6:7]  # class 1: 9 clean images of another class
    test = BackdoorTest(clean=few, images=image).validate()
    search = BackdoorSearch(test, BudgetedModel(Marked()), np.random.default_rng(0))
    while search.phase != "done":
        search.step()
    assert [r["status"] for r in search.rows] == ["unverified"]
