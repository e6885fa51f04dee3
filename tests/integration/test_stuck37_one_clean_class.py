"""stuck37 (bd36b's Left 1 and 2): clean images the model puts in one class confirm every
trigger on that class alone, which cannot tell a trigger from a piece of another class's own
images that turns them into it (bd36b: 10 of 40 clean digits still flagged with clean 0s).
The run says so (the headline's WARNING, ``summary["warnings"]``), and one that flagged
nothing is NOT EVERYTHING WAS TESTED (exit 2), never a silent pass; a two-class model's one
clean class is every other class, and is not warned about."""

from __future__ import annotations

from typing import Any

import numpy as np

import assay


def _three(x: Any) -> np.ndarray:
    """Three classes by brightness: dark (0), middle (1), bright (2)."""
    m = np.asarray(x).reshape(len(x), -1).mean(axis=1)[:, None]
    z = -200.0 * (m - np.asarray([0.3, 0.5, 0.7])[None, :]) ** 2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def _two(x: Any) -> np.ndarray:
    p = 1 / (1 + np.exp(-40 * (np.asarray(x).reshape(len(x), -1).mean(axis=1) - 0.5)))
    out: np.ndarray = np.stack([1 - p, p], axis=1)
    return out


def _scan(model: Any, classes: int) -> Any:
    rng = np.random.default_rng(0)
    clean = rng.random((24, 8, 8)) * 0.6  # (all dark: class 0)
    images = 0.4 + 0.6 * rng.random((6, 8, 8))  # (bright)
    return assay.check_backdoor(
        model, images=images, clean=clean, input_shape="8,8", classes=classes, seed=1
    )


def test_clean_images_of_one_class_are_warned_about_and_never_pass_silently() -> None:
    result = _scan(_three, 3)
    assert set(result.summary["rows"][0]) and result.n_findings == 0
    (warning,) = result.summary["warnings"]  # main: no warnings
    assert "all 24 clean images in one class (0)" in warning
    assert "WARNING: the model puts all 24 clean images in one class" in result.headline
    assert not result.passed  # main: passed, "0 of 6 images carry a confirmed trigger"
    assert result.summary["incomplete_reason"] == warning
    # (every occlusion of these bright images answers the middle class: on main
    # ``changed`` took that for a model stuck on one class; asked again at the end, the
    # images were answered as at the start)
    assert result.untested is None


def test_a_two_class_models_one_clean_class_is_every_other_class() -> None:
    result = _scan(_two, 2)
    assert "warnings" not in result.summary and result.passed, result.headline


def test_a_campaign_warns_as_a_single_run() -> None:
    rng = np.random.default_rng(0)
    clean = rng.random((24, 8, 8)) * 0.6
    images = 0.4 + 0.6 * rng.random((6, 8, 8))
    for model, classes, warned in ((_three, 3, True), (_two, 2, False)):
        result = assay.check_backdoor(
            model, images=images, clean=clean, input_shape="8,8", classes=classes, seed=1, units=2
        )
        assert ("warnings" in result.summary) is warned, result.headline
