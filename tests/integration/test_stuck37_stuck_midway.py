"""stuck37: a model answering as a model does for the first images scanned, then one class to
everything (a served model falling back to a default once warm), passed an input scan
("0 of 6 images carry a confirmed trigger", exit 0) or had STRIP flag every image after the
change: ``backdoor.changed`` saw two classes in the scan's answers.  A handful of the images
the start labelled are now asked again at the end (``backdoor.again``): all in one class that
most were not in at the start is NOTHING WAS TESTED, as ``changed`` says it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.backdoor.again import AGAIN, pick_again, stuck_again


def _steady(x: Any) -> np.ndarray:
    p = 1 / (1 + np.exp(-40 * (np.asarray(x).reshape(len(x), -1).mean(axis=1) - 0.5)))
    out: np.ndarray = np.stack([1 - p, p], axis=1)
    return out


class _Stuck:
    """``_steady``'s probabilities for its first ``honest`` images, then class 0 for all."""

    def __init__(self, honest: int) -> None:
        self.honest, self.asked = honest, 0

    def __call__(self, x: Any) -> np.ndarray:
        self.asked += len(x)
        p = _steady(x)
        if self.asked > self.honest:
            p = np.tile([1.0, 0.0], (len(p), 1))
        return p


def _scan(model: Any, **kw: Any) -> Any:
    rng = np.random.default_rng(0)
    images, clean = rng.random((6, 8, 8)), rng.random((24, 8, 8))
    return assay.check_backdoor(
        model, images=images, clean=clean, input_shape="8,8", classes=2, seed=1, **kw
    )


@pytest.mark.parametrize(("strategy", "honest"), [("assay", 150), ("neo", 400)])
def test_a_model_stuck_midway_through_the_input_scan_has_not_passed(
    strategy: str, honest: int
) -> None:
    model = _Stuck(honest)
    result = _scan(model, strategy=strategy)
    assert model.asked > honest  # (stuck for part of the scan)
    assert not result.passed  # main: passed, "0 of 6 images carry a confirmed trigger"
    assert result.untested is not None and "asked again at the end" in result.untested
    assert result.headline.startswith("NOTHING WAS TESTED")


def test_each_unit_of_a_campaign_asks_again() -> None:
    result = _scan(_Stuck(150), units=2)
    # main: "NOT EVERYTHING WAS TESTED" (the second unit's clean images all one class)
    assert result.untested is not None and "(in 1 of the 2 units)" in result.untested


def test_a_steady_model_is_judged_as_before_for_eight_more_queries() -> None:
    for strategy in ("assay", "neo"):
        model = _Stuck(10**9)
        result = _scan(model, strategy=strategy)
        # as the steady model itself (the default scan's one finding, a bright 4x4 box of a
        # brightness classifier, was its own feature drawn anywhere: bd42b's moved check)
        alone = _scan(_steady, strategy=strategy)
        assert result.untested is None and result.n_findings == alone.n_findings, result.headline
        assert result.n_findings == (0 if strategy == "assay" else 1), result.headline
    # (the queries: the scan's own plus ``AGAIN`` images asked once more, past the cache)
    assert AGAIN == 8


def test_which_images_are_asked_again_and_when_they_show_a_stuck_model() -> None:
    labels = np.asarray([3, 3, 3, -1, 5, 5, 7, 3, 9])
    assert pick_again(labels, 5).tolist() == [0, 4, 6, 8, 1]
    assert pick_again(labels).tolist() == [0, 4, 6, 8, 1, 5, 2, 7]
    assert pick_again(np.full(4, -1)).tolist() == []
    assert stuck_again([3, 5, 7, 9], [0, 0, 0, 0]) == (0, 4)
    assert stuck_again([3, 5, 7, 9], [3, 5, 7, 9]) is None  # steady
    assert stuck_again([3, 5, 7, 9], [3, 5, 7, 3]) is None  # one moved: noise
    assert stuck_again([3, 3, 3, 5], [3, 3, 3, 3]) is None  # only one was elsewhere
    assert stuck_again([0, 0, 0, 0], [0, 0, 0, 0]) is None  # they were of that class


@pytest.mark.slow
def test_strip_and_verify_against_the_trojaned_digits_stuck_midway(tmp_path: Path) -> None:
    """STRIP of a trojaned digits MLP stuck on 0 midway flagged every image after the change
    (58 of 60 in the CLI measurement, bench/RESULTS.md stuck37), a finding like any other;
    ``assay verify`` against a clean MLP that gets stuck after the replay passed."""
    from assay.backdoor.demo import PlantedTrigger, checker, trojaned_digits

    trig = PlantedTrigger(box=(5, 5, 3, 3), content=checker(3), target=7)
    d = trojaned_digits(seed=5, triggers=[trig])
    x, y = d.clean_images, d.clean_labels
    scan = x[-60:].copy()
    poisoned = (np.arange(60) % 2 == 0) & (y[-60:] != 7)
    scan[poisoned] = trig.apply(scan[poisoned])
    np.save(tmp_path / "clean.npy", x[:200, :, :, 0] * 16.0)
    np.save(tmp_path / "scan.npy", scan[:, :, :, 0] * 16.0)

    class Stuck:
        def __init__(self, model: Any, honest: int) -> None:
            self.model, self.honest, self.asked = model, honest, 0

        def __call__(self, z: Any) -> np.ndarray:
            self.asked += len(z)
            p: np.ndarray = self.model.predict_proba(np.asarray(z).reshape(len(z), -1))
            if self.asked > self.honest:
                p = np.zeros_like(p)
                p[:, 0] = 1.0
            return p

    def run(model: Any, **kw: Any) -> Any:
        return assay.check_backdoor(
            model,
            images=str(tmp_path / "scan.npy"),
            clean=str(tmp_path / "clean.npy"),
            value_range="0,16",
            seed=0,
            store=tmp_path / "r.db",
            **kw,
        )

    stuck = run(Stuck(d.model, 2_800), strategy="strip")
    assert stuck.untested is not None and "asked again at the end" in stuck.untested
    assert not stuck.passed  # main: findings, said as a STRIP verdict like any other
    honest = run(Stuck(d.model, 10**9))
    assert honest.untested is None and honest.n_findings > 0

    clean_model = trojaned_digits(seed=5, clean=True).model
    model = Stuck(clean_model, 10**9)
    fixed = assay.verify_run(honest.run_id, store=tmp_path / "r.db", model=model)
    assert fixed.passed and fixed.total > 0  # a clean model: every trigger no longer holds
    model = Stuck(clean_model, model.asked - AGAIN)  # the same, stuck at the last images
    stuck_verify = assay.verify_run(honest.run_id, store=tmp_path / "r.db", model=model)
    assert not stuck_verify.passed  # main: passed
    assert "asked again at the end of the replay" in stuck_verify.untested


def test_a_model_stuck_midway_through_the_model_scan_has_not_passed() -> None:
    weights = np.random.default_rng(3).normal(size=(64, 5))

    def softmax(x: Any) -> np.ndarray:
        z = np.asarray(x).reshape(len(x), -1) @ weights
        e = np.exp(z - z.max(axis=1, keepdims=True))
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out

    class Stuck:
        def __init__(self, honest: int) -> None:
            self.honest, self.asked = honest, 0

        def __call__(self, x: Any) -> np.ndarray:
            self.asked += len(x)
            p = softmax(x)
            if self.asked > self.honest:
                p = np.zeros_like(p)
                p[:, 0] = 1.0
            return p

    clean = np.random.default_rng(0).random((60, 8, 8))
    steady = Stuck(10**9)
    fine = assay.check_backdoor(steady, clean=clean, input_shape="8,8", classes=5, seed=1)
    assert fine.passed and fine.untested is None
    stuck = Stuck(steady.asked // 2)
    result = assay.check_backdoor(stuck, clean=clean, input_shape="8,8", classes=5, seed=1)
    assert not result.passed  # main: passed, "no suspected backdoor found"
    assert result.untested is not None and "asked again at the end" in result.untested


def test_the_images_asked_again_fit_the_budget_left_or_the_run_says_it_did_not_ask_them() -> None:
    """A 2-class model that passes: its scan asks 90 queries, the determinism check 10 (a
    tenth of the budget); 5 left are enough to ask 5 images again, none left is not a pass."""
    rng = np.random.default_rng(0)
    clean = rng.random((24, 8, 8)) * 0.8
    images = 0.3 + 0.7 * rng.random((6, 8, 8))

    def run(max_queries: int, **kw: Any) -> Any:
        return assay.check_backdoor(
            _steady,
            images=images,
            clean=clean,
            input_shape="8,8",
            classes=2,
            seed=1,
            max_queries=max_queries,
            **kw,
        )

    roomy = run(1_000)
    # (and STRIP's second opinion beside the scan: bd41; a budget too small for it skips it,
    # and a run that found nothing then has not passed, bd42: here the opinion is turned off)
    second = roomy.summary["second_opinion"]["queries"]
    assert roomy.passed and roomy.progress["queries"] == 90 + second + AGAIN
    fits = run(105, second_opinion=False)
    assert fits.passed and fits.progress["queries"] == 95  # (5 asked again)
    skipped = run(105)  # (the same budget with the opinion: its skip is said, not a pass)
    assert not skipped.passed and "second opinion was not asked" in skipped.not_a_pass[1]
    edge = run(100, second_opinion=False)  # main: passed, none asked again
    assert not edge.passed and edge.untested is None
    assert "ended before it asked 8 of the images" in edge.summary["incomplete_reason"]
    assert "(0 queries of its budget left)" in edge.summary["incomplete_reason"]


class _Swapped:
    """``_steady``'s probabilities for its first ``honest`` images, then its classes swapped
    (a served model redeployed with another class order once warm): two classes still."""

    def __init__(self, honest: int) -> None:
        self.honest, self.asked = honest, 0

    def __call__(self, x: Any) -> np.ndarray:
        self.asked += len(x)
        p = _steady(x)
        return p[:, ::-1] if self.asked > self.honest else p


def test_a_model_whose_answers_moved_after_a_steady_determinism_check_has_not_passed() -> None:
    model = _Swapped(150)
    result = _scan(model)
    assert result.summary["asked_again"] == {"images": AGAIN, "changed": AGAIN}
    assert not result.passed  # main: passed
    assert result.untested is not None and "determinism check alike" in result.untested
    # the same model off the check: no steady probe to compare with, not judged so
    off = _scan(_Swapped(150 - 16), determinism_check=False)
    assert off.untested is None or "determinism check" not in off.untested
    steady = _scan(_Swapped(10**9))
    assert steady.summary["asked_again"] == {"images": AGAIN, "changed": 0}
    assert steady.untested is None
