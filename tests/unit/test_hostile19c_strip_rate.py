"""STRIP's threshold and the false-positive rate it is said to be set at (hostile19c).

The ``fpr`` quantile of ``n`` clean entropies flags a new clean image with probability
``(floor(fpr * (n - 1)) + 1) / (n + 1)``: 5 clean images at ``--fpr 0.05`` flagged 16 % of
419 held-out clean digits while the headline said "set at 5% false positives".  The rank is
now conformal (at most ``fpr``), and a clean set too small for ``fpr`` is said as such.  A
clean set the model puts in one class makes every blend that class: nothing was tested."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay
from assay.backdoor.strip import strip_rank, strip_rate, strip_threshold

W = np.random.default_rng(5).normal(size=(64, 4))


def predict(x: np.ndarray, sharp: float = 0.5) -> np.ndarray:
    """Four classes from a fixed random projection of the flattened image, soft."""
    z = np.asarray(x, dtype=np.float64).reshape(len(x), -1) @ W
    z = sharp * (z - z.max(axis=1, keepdims=True))
    p = np.exp(z)
    out: np.ndarray = p / p.sum(axis=1, keepdims=True)
    return out


@pytest.mark.parametrize(("n", "fpr"), [(50, 0.05), (100, 0.05), (30, 0.1), (199, 0.01)])
def test_the_threshold_flags_at_most_fpr_of_new_clean_images(n: int, fpr: float) -> None:
    rng = np.random.default_rng(0)
    rates = []
    for _ in range(3000):
        calib = rng.random(n)
        rates.append(float(np.mean(rng.random(200) < strip_threshold(calib, fpr))))
    assert np.mean(rates) <= fpr + 0.002  # the quantile: 5.9 % at n = 50, fpr = 0.05
    assert np.mean(rates) == pytest.approx(strip_rate(n, fpr), abs=0.003)


def test_too_few_clean_images_for_fpr_take_the_lowest_and_say_its_rate() -> None:
    assert strip_rank(5, 0.05) == 1 and strip_rate(5, 0.05) == pytest.approx(1 / 6)
    assert strip_rank(19, 0.05) == 1 and strip_rate(19, 0.05) == pytest.approx(0.05)
    assert strip_rank(100, 0.05) == 5
    assert strip_threshold(np.array([0.5, 0.1, 0.9]), 0.01) == 0.1


def _images(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 8, 8))


def _strip(tmp_path: Path, clean: np.ndarray, images: np.ndarray | None = None, **kw: Any) -> Any:
    return assay.check_backdoor(
        kw.pop("model", predict),
        images=_images(30, 1) if images is None else images,
        clean=clean,
        strategy="strip",
        fpr=0.05,
        n_classes=4,
        seed=0,
        store=tmp_path / "runs.db",
    )


def test_the_headline_says_the_rate_a_small_clean_set_gives(tmp_path: Path) -> None:
    r = _strip(tmp_path, _images(10, 2))
    assert "about 17% false positives, NOT the 5% asked" in r.headline, r.headline
    assert "give at least 38" in r.headline
    metrics = r.summary["metrics"]
    assert metrics["false-positive rate of the threshold"] == pytest.approx(1 / 6, abs=1e-4)
    big = _strip(tmp_path, _images(60, 2))
    assert "set at 5% false positives on 30 clean images" in big.headline, big.headline


def test_clean_images_of_one_class_test_nothing(tmp_path: Path) -> None:
    """Before: "STRIP flagged 0 of 30 images", exit 0 (its threshold, 0.023 bits, set on
    blends that are all one class, is below every image's)."""
    pool = _images(2000, 3)
    labels = predict(pool).argmax(1)
    one, others = pool[labels == 0][:40], pool[labels != 0][:30]
    assert len(one) == 40
    r = _strip(tmp_path, one, others, model=lambda x: predict(x, sharp=2.0))
    assert not any(row.get("poisoned") for row in r.summary["rows"])
    assert r.untested and "every clean image in one class" in r.untested, r.headline
