"""left47b: STRIP's second opinion draws each image's 8 blends without replacement.

left46b made STRIP's own scan draw its blends without replacement; the second opinion
(``second.picks``) still drew them with replacement: 8 blends from the quick bench's pool of
75 were about 7.6 distinct images (a repeat is answered from the cache: fewer queries and a
noisier entropy than "8 blends" says), and 8 from a pool of 10 about 5.7.  Now each image's
blends, the calibration images' alike (its line is set on blends drawn as the judged
images' are), are distinct pool images."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.second import BLENDS, picks, second_opinion


def test_each_row_of_picks_is_distinct_pool_images() -> None:
    rng = np.random.default_rng(0)
    for n_pool in (8, 10, 75):
        rows = picks(rng, 200, n_pool)
        assert rows.shape == (200, BLENDS)
        # main: with replacement, 8 of a pool of 10 held a repeat in 99 % of rows
        assert all(len(set(r.tolist())) == BLENDS for r in rows), n_pool
        assert rows.min() >= 0 and rows.max() < n_pool


def test_a_pool_smaller_than_the_blends_is_used_evenly() -> None:
    rows = picks(np.random.default_rng(1), 50, 5)
    for r in rows:
        assert sorted(set(np.bincount(r, minlength=5).tolist())) == [1, 2], r


def _opinion() -> dict[str, Any]:
    """The opinion on 40 images of 4 classes (each image's class its first pixel's tenth),
    blended with a pool of 12 clean images by a model answering a noisy class."""
    rng = np.random.default_rng(0)
    clean = rng.random((60, 4, 4, 1))
    clean_labels = np.arange(60) % 4
    images = rng.random((40, 4, 4, 1))
    labels = np.arange(40) % 4

    def scores(x: np.ndarray) -> np.ndarray:
        out = np.full((len(x), 4), 0.1)
        out[np.arange(len(x)), (x.reshape(len(x), -1).sum(axis=1) * 7).astype(int) % 4] = 0.7
        return out

    return second_opinion(
        images,
        labels,
        list(range(40)),
        clean,
        clean_labels,
        np.arange(12),
        np.arange(12, 60),
        scores,
        np.random.default_rng(3),
        lambda: 0,
    )


def test_the_calibration_images_blends_are_distinct_too() -> None:
    record = _opinion()
    blends = np.asarray(record["calibration_blends"])
    assert blends.shape[1] == BLENDS and len(blends) > 0
    # main: 8 drawn with replacement from a pool of 12: a repeat in most rows
    assert all(len(set(r.tolist())) == BLENDS for r in blends), blends
    for rows in record["blends_of"].values():
        assert len(set(np.asarray(rows).tolist())) == BLENDS
