"""mutation38: stuck37's watches at their edges (SM14, SM9, SM6 in bench/RESULTS.md,
mutation38's table).  A model scan whose budget ran out before it asked its images again has
not passed (under SM14: passed, "no suspected backdoor found"); clean images of two classes
are not "one class" (SM9: NOT EVERYTHING WAS TESTED, exit 2, for a scan that passed); STRIP,
which pastes no trigger on clean images, gets no one-class warning (SM6)."""

from __future__ import annotations

from typing import Any

import numpy as np

import assay
from assay.backdoor.again import AGAIN

from test_stuck37_one_clean_class import _three  # isort: skip

_WEIGHTS = np.random.default_rng(3).normal(size=(64, 5))


def _softmax(x: Any) -> np.ndarray:
    z = np.asarray(x).reshape(len(x), -1) @ _WEIGHTS
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def test_a_model_scan_out_of_budget_before_asking_again_has_not_passed() -> None:
    clean = np.random.default_rng(0).random((60, 8, 8))

    def scan(**kw: Any) -> Any:
        return assay.check_backdoor(
            _softmax, clean=clean, input_shape="8,8", classes=5, seed=1, **kw
        )

    roomy = scan()
    assert roomy.passed and roomy.summary["asked_again"]["images"] == AGAIN
    short = scan(max_queries=roomy.progress["queries"] - AGAIN)
    assert not short.passed and short.untested is None
    assert "ended before it asked 8 of the images" in short.summary["incomplete_reason"]
    # (SM16) what the scan found is said all the same: its classes were all scanned (since
    # hostile44b a verdict the budget cut says so, naming the classes it left unjudged, where
    # it read "no suspected backdoor found")
    said = ("no suspected backdoor found", "all 5 classes were scanned")
    assert any(s in short.headline for s in said), short.headline


def _images() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.random((24, 8, 8)) * 0.6, 0.4 + 0.6 * rng.random((6, 8, 8))


def test_clean_images_of_two_classes_are_no_one_class_warning() -> None:
    dark, images = _images()
    clean = dark.copy()
    clean[12:] = 0.4 + 0.2 * np.random.default_rng(1).random((12, 8, 8))
    assert sorted(set(_three(clean).argmax(1))) == [0, 1]
    result = assay.check_backdoor(
        _three, images=images, clean=clean, input_shape="8,8", classes=3, seed=1
    )
    assert result.passed and "warnings" not in result.summary, result.headline


def test_strip_gets_no_one_class_warning() -> None:
    clean, images = _images()
    result = assay.check_backdoor(
        _three, images=images, clean=clean, input_shape="8,8", classes=3, seed=1, strategy="strip"
    )
    assert "WARNING: the model puts all" not in result.headline, result.headline
    assert "warnings" not in result.summary


class _StuckOn:
    """``_three``'s answers for its first ``honest`` images, then class 0 (the class the
    clean images are all in) to everything."""

    def __init__(self, honest: int) -> None:
        self.honest, self.asked = honest, 0

    def __call__(self, x: Any) -> np.ndarray:
        self.asked += len(x)
        p = _three(x)
        if self.asked > self.honest:
            p = np.tile([1.0, 0.0, 0.0], (len(p), 1))
        return p


def test_a_model_stuck_on_the_clean_class_is_told_by_the_images_scanned() -> None:
    """TQ5: clean images all of class 0, the model stuck on 0 midway: asked again, the clean
    images are in 0 as at the start; the images scanned (bright: 1s and 2s at the start) are
    what shows it.  Under the mutant, none of them asked again: NOT EVERYTHING WAS TESTED
    (the one-class warning) where nothing was."""
    clean, images = _images()
    result = assay.check_backdoor(
        _StuckOn(60), images=images, clean=clean, input_shape="8,8", classes=3, seed=1
    )
    assert result.untested is not None and "asked again at the end" in result.untested


def _budgeted(max_queries: int, **kw: Any) -> Any:
    from test_stuck37_stuck_midway import _steady  # isort: skip

    rng = np.random.default_rng(0)
    clean = rng.random((24, 8, 8)) * 0.8
    images = 0.3 + 0.7 * rng.random((6, 8, 8))
    return assay.check_backdoor(
        _steady, images=images, clean=clean, input_shape="8,8", classes=2, seed=1,
        max_queries=max_queries, **kw,
    )  # fmt: skip


def test_one_query_left_is_too_few_to_ask_again() -> None:
    """TQ7: the images are asked again down to two (one cannot show a model stuck); with
    one query left the run says it did not ask them (under the mutant it asked one and
    passed)."""
    one = _budgeted(101)  # (its scan and check ask 100)
    assert not one.passed and "ended before it asked" in one.summary["incomplete_reason"]


def test_a_campaign_answered_alike_to_the_end_is_not_said_changed() -> None:
    """CH2: every occlusion of these bright images answers the middle class (one class in
    the scan's answers); asked again at the end, each unit's images were answered as at
    the start: the model did not change, in a campaign as in a single run (under the
    mutant the campaign's records were not read: NOTHING WAS TESTED)."""
    clean, images = _images()
    result = assay.check_backdoor(
        _three, images=images, clean=clean, input_shape="8,8", classes=3, seed=1, units=2
    )
    assert result.untested is None, result.untested
