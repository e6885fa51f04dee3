"""left46b: STRIP's blends drawn without replacement.

STRIP blends each image with ``--blends`` (20) images of its pool, half of ``--clean``.  They
were drawn with replacement: with 20 clean images (a pool of 10) "20 blends" were about 9
distinct images, and with a pool of 40 an image's 20 blends held 4-5 repeats, so the entropy
was noisier than ``--blends`` says.  Now each image's blends are distinct pool images, and
with fewer pool images than blends every pool image is used in turn, as often as the
others, the headline and a metric saying how few distinct."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assay.backdoor.strip import blend_entropy


def _used(n_pool: int, n_blend: int, n: int = 30) -> np.ndarray:
    """Which pool image each of ``n`` images' blends was (by its value: pool image ``j`` is
    all ``j + 1``, the images all 0, so a blend is its pool image)."""
    pool = np.stack([np.full((4, 4), float(j + 1)) for j in range(n_pool)])
    seen: list[np.ndarray] = []

    def scores(x: np.ndarray) -> np.ndarray:
        seen.append(x[:, 0, 0].copy())
        return np.full((len(x), 2), 0.5)

    blend_entropy(
        np.zeros((n, 4, 4)), scores, pool, np.random.default_rng(0), n_blend, alpha=0.0
    )  # fmt: skip
    return (np.concatenate(seen).reshape(n, n_blend) - 1).astype(np.int64)


def test_each_images_blends_are_distinct_pool_images() -> None:
    used = _used(40, 20)
    # main: drawn with replacement, 15-19 distinct of 20 (4.4 repeats an image on average)
    assert all(len(set(row.tolist())) == 20 for row in used), used
    assert used.min() >= 0 and used.max() < 40


def test_a_pool_smaller_than_the_blends_is_used_whole_and_evenly() -> None:
    used = _used(10, 20)
    for row in used:  # main: about 9 of the 10, some three times, some never
        counts = np.bincount(row, minlength=10)
        assert counts.tolist() == [2] * 10, row
    odd = _used(10, 15)
    for row in odd:
        assert sorted(set(np.bincount(row, minlength=10).tolist())) == [1, 2], row


def test_a_strip_scan_on_too_few_clean_images_says_how_few_are_distinct(tmp_path: Path) -> None:
    import assay
    from assay.backdoor.demo import trojaned_digits

    d = trojaned_digits(seed=0)
    x = d.clean_images * 16
    r = assay.check_backdoor(
        d.model, images=x[200:212], clean=x[:20], strategy="strip", value_range="0,16",
        seed=0, store=str(tmp_path / "s.db"),
    )  # fmt: skip
    # main: "... set on 10 clean images: about 9% false positives ...; 20 queries per image"
    assert "each image's 20 blends are of only 10 distinct clean images" in r.headline, r.headline
    assert r.summary["metrics"]["distinct clean images blended per image"] == 10
    r = assay.check_backdoor(
        d.model, images=x[200:212], clean=x[:60], strategy="strip", value_range="0,16",
        seed=0, store=str(tmp_path / "t.db"),
    )  # fmt: skip
    assert "distinct clean images" not in r.headline, r.headline
    assert r.summary["metrics"]["distinct clean images blended per image"] == 20
