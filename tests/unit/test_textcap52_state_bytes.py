"""textcap52: a checkpoint's bytes are encoded in their own width.

A text run's resume state keeps its minimal failing sentences as JSON lines, a ``uint8``
array; the store's columnar encoding widened it to ``uint64`` (and took the offsets from its
low value in another), 16 times its size at once: 15 MB of state took 246 MB, a large part
of the 3.0 GB a grammar of 1 MB sentences peaked at (store52).  The blob is byte for byte
the same.
"""

from __future__ import annotations

import tracemalloc

import numpy as np

from assay.core.columnar import decode_array, encode_array


def test_a_byte_array_is_encoded_without_widening_it() -> None:
    rng = np.random.default_rng(5)
    data = rng.integers(32, 127, size=8_000_000).astype(np.uint8)  # (text: deflates little)
    tracemalloc.start()
    try:
        blob = encode_array(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.array_equal(decode_array(blob), data)
    assert peak < 6 * data.nbytes  # (3.6 times; it was 18)


def test_unsigned_columns_read_back_as_they_were() -> None:
    rng = np.random.default_rng(1)
    for dtype in (np.uint8, np.uint16, np.uint32, np.uint64):
        top = int(min(np.iinfo(dtype).max, 2**40))
        for a in (
            rng.integers(0, top, size=1000, dtype=np.uint64).astype(dtype),
            np.sort(rng.integers(3, 200, size=5000)).astype(dtype),
            np.arange(10, 300).astype(dtype),
            np.array([7, 8, 7, 8], dtype=dtype),
            rng.integers(0, 200, size=(400, 3)).astype(dtype),
        ):
            assert np.array_equal(decode_array(encode_array(a)), a)
    big = np.array([2**64 - 1, 2**63, 5], dtype=np.uint64)
    assert np.array_equal(decode_array(encode_array(big)), big)
