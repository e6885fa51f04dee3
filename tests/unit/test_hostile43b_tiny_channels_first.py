"""hostile43b: small images stored channels first whose width is also a channel count,
(n, 3, 4, 4) as torch keeps 4x4 RGB tiles, were read as 3x4 images of 4 channels, silently:
"looked for patch triggers up to 1x1 pixels", exit 0.  And ``--input-shape 1,4,4`` (a torch
model's C,H,W) was read as 1x4 images of 4 channels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.api import check_backdoor
from assay.backdoor.image_files import image_array
from assay.backdoor.images import spec_for
from assay.core.store import RunStore
from assay.errors import UsageError


def _thirds(x: np.ndarray) -> np.ndarray:
    flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    return np.stack([flat[:, :16].mean(1), flat[:, 16:32].mean(1), flat[:, 32:].mean(1)], 1)


def _predict(x: np.ndarray) -> np.ndarray:
    s = _thirds(x) * 10
    e = np.exp(s - s.max(1, keepdims=True))
    out: np.ndarray = e / e.sum(1, keepdims=True)
    return out


_predict.classes_ = [0, 1, 2]  # type: ignore[attr-defined]


def test_a_channels_first_scan_of_small_tiles_is_refused_not_misread(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(UsageError, match=r"3 plane\(s\) of 4x4 pixels, channels first"):
        check_backdoor(
            _predict,
            images=rng.random((20, 3, 4, 4)),
            clean=rng.random((60, 3, 4, 4)),
            seed=0,
            store=RunStore(tmp_path / "runs.db"),
        )


@pytest.mark.parametrize(
    ("shape", "refused"),
    [((5, 3, 4, 4), True), ((5, 1, 4, 4), True), ((5, 4, 4, 3), False), ((5, 3, 3, 3), False)],
)
def test_which_small_arrays_read_as_channels_first(shape: tuple[int, ...], refused: bool) -> None:
    if refused:
        with pytest.raises(UsageError, match="channels first"):
            image_array(np.zeros(shape), "--images")
    else:
        assert image_array(np.zeros(shape), "--images").shape == shape


def test_an_input_shape_of_square_planes_behind_a_channel_count_is_channels_first() -> None:
    assert spec_for((4, 4, 1), (1, 4, 4), layout=None, range_text=None).layout == "nchw"
    assert spec_for((4, 4, 3), (4, 4, 3), layout=None, range_text=None).layout == "nhwc"
    assert spec_for((3, 3, 3), (3, 3, 3), layout=None, range_text=None).layout == "nhwc"
