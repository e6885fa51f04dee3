"""left41b: a backdoor finding's images (the image, the image with its trigger blocked, a clean
image with the trigger pasted: three float64 copies) took 8 bytes a pixel in the store: 74 KB
a 32x32x3 finding, 3.6 MB a 224x224x3 one (~70 of them filled the store's 256 MB cap).  Pixels
read from 8-bit files take at most 256 values (or a few more: the scan's fills), kept now as
one- or two-byte codes of a table, each copy after the first as its difference from the one
before, deflated.  Lossless; blobs written before still decode."""

from __future__ import annotations

import numpy as np

from assay.core.columnar import decode_array
from assay.core.findings import FindingBatch
from assay.core.store_blobs import decode_witnesses, encode_batch

# ``encode_array`` of ``_old_array()`` by main's code before this change (a ``dict`` column)
OLD_BLOB = bytes.fromhex(
    "41594331b70200007b22617272617973223a7b2261223a7b226474797065223a223c6638222c22736861"
    "7065223a5b312c332c342c342c335d2c22636f6c756d6e73223a5b7b22686f77223a2264696374222c22"
    "7461626c65223a2230303030303030303030303030303030313031303130313031303130373033663130"
    "313031303130313031303830336631383138313831383138313838383366313031303130313031303130"
    "393033663134313431343134313431343934336631383138313831383138313839383366316331633163"
    "316331633163396333663130313031303130313031306130336631323132313231323132313261323366"
    "313431343134313431343134613433663136313631363136313631366136336631383138313831383138"
    "313861383366316131613161316131613161616133663163316331633163316331636163336631653165"
    "316531653165316561653366313031303130313031303130623033663131313131313131313131316231"
    "336631323132313231323132313262323366313331333133313331333133623333663134313431343134"
    "313431346234336631353135313531353135313562353366313631363136313631363136623633663137"
    "313731373137313731376237336631383138313831383138313862383366313931393139313931393139"
    "623933663161316131613161316131616261336631623162316231623162316262623366316331633163"
    "316331633163626333663164316431643164316431646264336631653165316531653165316562653366"
    "316631663166316631663166626633663130313031303130313031306330336639313930393039303930"
    "393063303366313131313131313131313131633133663932393139313931393139316331336631323132"
    "313231323132313263323366222c226174223a5b302c3134345d7d5d7d7d7d000102030405060708090a"
    "0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324000102030405060708090a0b0c0d0e0f"
    "101112131415161718191a1b1c1d1e1f2021222324000102030405060708090a0b0c0d0e0f1011121314"
    "15161718191a1b1c1d1e1f2021222324000102030405060708090a0b0c0d0e0f10111213141516171819"
    "1a1b1c1d1e1f20"
)


def _old_array() -> np.ndarray:
    return (np.arange(144) % 37 / 255).reshape(1, 3, 4, 4, 3)


def _finding(rng: np.random.Generator, size: int, fill: float | None) -> np.ndarray:
    """An image of noisy 8-bit pixels read as floats, blocked and pasted as the scan does
    (``fill``: the blocking colour; None: the image's first pixel's)."""
    u8 = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
    image = (u8.astype(np.float32) / 255).astype(np.float64)
    blocked = image.copy()
    blocked[-6:-2, -6:-2] = image[0, 0] if fill is None else fill
    clean = (rng.integers(0, 256, (size, size, 3), dtype=np.uint8) / np.float32(255)).astype(
        np.float64
    )
    pasted = clean.copy()
    pasted[-6:-2, -6:-2] = image[-6:-2, -6:-2]
    return np.stack([image, blocked, pasted])


def _batch(inputs: np.ndarray) -> FindingBatch:
    n = len(inputs)
    return FindingBatch(
        kind="backdoor-trigger",
        inputs=inputs,
        outputs=np.zeros((n, 3), dtype=np.int64),
        severity=np.ones(n),
    )


def _stored(inputs: np.ndarray) -> int:
    blob = encode_batch(_batch(inputs), np.arange(len(inputs)), False)
    back, _, _ = decode_witnesses(blob)
    assert back.inputs.dtype == inputs.dtype
    assert np.array_equal(back.inputs, inputs)  # exactly the same floats
    return len(blob)


def test_a_32x32_finding_of_8bit_pixels_takes_about_a_byte_a_pixel() -> None:
    inputs = _finding(np.random.default_rng(0), 32, None)[None]
    # main: 73,728 bytes of float64 (the first 1,024 values held more than 128 levels)
    assert _stored(inputs) < 3 * 32 * 32 * 3 * 1.2


def test_224x224_findings_with_fills_beside_256_levels() -> None:
    rng = np.random.default_rng(1)
    inputs = np.stack([_finding(rng, 224, 0.1 + 0.01 * i) for i in range(3)])
    assert len(np.unique(inputs)) > 256
    # main: 3,612,672 bytes a finding; two-byte codes and near-zero differences now:
    # 421,997 bytes a finding, 0.93 a pixel (left42f: the copies stored whole, not as
    # deltas, mutation42's CL6, 586,709 bytes, 1.30 a pixel, which 2 * 0.8 let pass)
    assert _stored(inputs) / 3 < 3 * 224 * 224 * 3 * 1.1


def test_continuous_floats_are_kept_exactly() -> None:
    inputs = np.random.default_rng(2).random((2, 3, 40, 40, 3))
    assert _stored(inputs) >= inputs.nbytes


def test_a_blob_written_before_decodes() -> None:
    assert np.array_equal(decode_array(OLD_BLOB), _old_array())
