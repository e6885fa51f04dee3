"""left43b (bd42b Left 1, hostile41b's 12 clean images): a trigger confirmed towards a class
of 2 to 4 clean images was checked against that class's own features on those few alone (the
check asks 5), and nothing said so: a clean scene's ring read "14x14 ... -> class 4" on the 2
clean images of class 4.  The headline now says the finding's evidence is weak, naming the
clean images of its class; with 5 or more, nothing is said."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.core.store import RunStore


def _predict(x: np.ndarray) -> np.ndarray:
    """Three classes by interleaved pixels' brightness; a white 2x2 at (1, 1) -> class 2."""
    x = np.asarray(x, dtype=np.float64)
    flat = x.reshape(len(x), -1)
    s = np.stack([flat[:, k::3].mean(1) for k in range(3)], 1)
    s[:, 2] -= 0.1
    s[(x[:, 1:3, 1:3, 0] > 0.97).all(axis=(1, 2)), 2] += 5
    e = np.exp(20 * (s - s.max(1, keepdims=True)))
    out: np.ndarray = e / e.sum(1, keepdims=True)
    return out


_predict.classes_ = [0, 1, 2]  # type: ignore[attr-defined]


def _images(rng: np.random.Generator, n: int, cls: int) -> np.ndarray:
    x = rng.random((n, 8, 8, 1)) * 0.9
    x.reshape(n, -1)[:, cls::3] += 0.05 if cls < 2 else 0.2
    return np.clip(x, 0, 0.9)


@pytest.mark.parametrize(("of_two", "weak"), [(3, True), (12, False)])
def test_a_trigger_checked_on_few_clean_images_of_its_class_is_said_weak(
    tmp_path: Path, of_two: int, weak: bool
) -> None:
    rng = np.random.default_rng(0)
    clean = np.concatenate([_images(rng, 30, 0), _images(rng, 30, 1), _images(rng, of_two, 2)])
    held = int((_predict(clean).argmax(1) == 2).sum())
    assert (held < 5) == weak  # (the model's own count of class 2's clean images)
    images = np.concatenate([_images(rng, 10, 0), _images(rng, 10, 1)])
    images[::2, 1:3, 1:3, 0] = 1.0
    r = check_backdoor(
        _predict, images=images, clean=clean, seed=0, max_queries=20_000,
        store=RunStore(tmp_path / "runs.db"),
    )  # fmt: skip
    assert "-> class 2" in r.headline, r.headline
    said = f"rested on {held} clean images of class 2" in r.headline
    assert said == weak and ("weak evidence" in r.headline) == weak, r.headline
