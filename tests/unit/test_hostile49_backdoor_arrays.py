"""A Python caller's images outside the model's range are refused in the API's keyword and
with a range that holds them (hostile49: a notebook's float images in 0..255 were told "give
--range (e.g. --range 0,255)", the command line's option, and images normalised to -1..1
were told "e.g. --range 0,255" too), and a list of images of two shapes is refused naming
the odd one (it was numpy's bare ``ValueError``, "inhomogeneous shape")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.core.keywords import _prose_in_keywords


def scores(images: np.ndarray) -> np.ndarray:
    """Two classes by brightness: a model that answers scores."""
    bright = np.asarray(images, dtype=float).reshape(len(images), -1).mean(axis=1)
    p = 1.0 / (1.0 + np.exp(-(bright - 0.5) * 8))
    return np.stack([1 - p, p], axis=1)


@pytest.mark.parametrize(
    ("low", "high", "advised"), [(0.0, 255.0, "(0, 255)"), (-1.0, 1.0, "(-1, 1)")]
)
def test_images_outside_the_range_are_told_value_range_with_a_range_that_holds_them(
    tmp_path: Path, low: float, high: float, advised: str
) -> None:
    rng = np.random.default_rng(0)
    images = rng.uniform(low, high, size=(20, 8, 8)).astype(np.float32)
    with pytest.raises(assay.UsageError) as caught:
        assay.check_backdoor(scores, images=images, clean=images, seed=0, store=tmp_path / "b.db")
    said = str(caught.value)
    assert "--range" not in said, said
    assert f"value_range={advised}" in said, said
    # the advised call is taken: the range refused no more (a budget of one query: no scan)
    try:
        assay.check_backdoor(
            scores,
            images=images,
            clean=images,
            seed=0,
            store=tmp_path / "b.db",
            value_range=eval(advised),
            max_queries=1,
        )
    except assay.AssayError as exc:
        assert "outside the range" not in str(exc)


def test_the_command_lines_words_stay_for_a_caller_naming_no_such_keyword() -> None:
    said = "give --range (e.g. --range 0,255) or scale the images to it"
    assert _prose_in_keywords(said, {"clean"}, {"range": "value_range"}) == said
    assert _prose_in_keywords(said, {"value_range"}, {"range": "value_range"}) == (
        "give value_range (e.g. value_range=(0, 255)) or scale the images to it"
    )


@pytest.mark.parametrize("argument", ["images", "clean"])
def test_a_list_of_images_of_two_shapes_is_refused_naming_the_odd_one(
    tmp_path: Path, argument: str
) -> None:
    rng = np.random.default_rng(1)
    ragged = [rng.random((8, 8)) for _ in range(11)] + [rng.random((9, 9))]
    given = {"images": rng.random((4, 8, 8)), "clean": rng.random((20, 8, 8)), argument: ragged}
    with pytest.raises(assay.UsageError) as caught:  # (was a bare numpy ValueError)
        assay.check_backdoor(scores, seed=0, store=tmp_path / "b.db", **given)
    said = str(caught.value)
    assert said.startswith(f"argument {argument}:"), said
    assert "image 11 (counted from 0) is (9, 9), image 0 is (8, 8)" in said
