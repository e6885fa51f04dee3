"""A backdoor finding of float images (not read from 8-bit files) is stored compactly and
given back exactly (bd42b; left41b did 8-bit images).

Its three images (the image, its trigger's box refilled with float64 means, a clean image
with the trigger pasted) took 8 bytes a value: float32 pixels beside a few float64 fills
were kept ``raw``.  Now ``f32x``: the float32 bits (the copies as differences, deflated),
the fills beside as positions and values."""

from __future__ import annotations

import numpy as np

from assay.core.columnar import decode_array, encode_array
from assay.core.findings import FindingBatch
from assay.core.store_blobs import decode_witnesses, encode_batch


def _finding(h: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:h, :h]
    f = (yy[..., None] * 0.5 + xx[..., None] * 0.3 + rng.normal(0, 8, (h, h, 3))) / (1.3 * h)
    img = np.clip(f, 0, 1).astype(np.float32).astype(np.float64)
    clean = np.clip(f[::-1] + 0.01, 0, 1).astype(np.float32).astype(np.float64)
    fill = rng.random((5, 6, 6, 3)).astype(np.float32).astype(np.float64).mean(axis=0)
    blocked = img.copy()
    blocked[h - 8 : h - 2, h - 8 : h - 2] = fill  # (float64 means: not float32 values)
    pasted = clean.copy()
    pasted[h - 8 : h - 2, h - 8 : h - 2] = img[h - 8 : h - 2, h - 8 : h - 2]
    return np.stack([np.stack([img, blocked, pasted])])


def test_a_float_image_finding_takes_under_a_third_of_its_float64_bytes() -> None:
    inputs = _finding(32)
    batch = FindingBatch(
        kind="backdoor-trigger",
        inputs=inputs,
        outputs=np.zeros((1, 3), np.int64),
        severity=np.ones(1),
    )
    blob = encode_batch(batch, np.arange(1), False)
    back, _, _ = decode_witnesses(blob)
    assert np.array_equal(back.inputs, inputs) and back.inputs.dtype == inputs.dtype
    assert len(blob) < inputs.nbytes / 2.5, len(blob)  # main: 74,261 of 73,728 (raw)


def test_the_exceptions_come_back_exactly() -> None:
    rng = np.random.default_rng(3)
    col = rng.random(4000).astype(np.float32).astype(np.float64)
    odd = rng.choice(4000, 300, replace=False)
    col[odd] = rng.random(300)  # float64 values float32 does not hold
    col[:3] = [-0.0, 1e-310, 3.0]
    back = decode_array(encode_array(col))
    assert np.array_equal(back, col) and np.signbit(back[0])
    assert len(encode_array(col)) < col.nbytes * 0.7
    many = rng.random(4000)  # most not float32: kept raw, exactly
    assert np.array_equal(decode_array(encode_array(many)), many)
