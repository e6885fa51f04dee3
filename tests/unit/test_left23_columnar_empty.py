"""Rows of no value (an ``(n, 0)`` array: a text finding's empty top-k set) were written with
no column and read back as an IndexError, losing the run's findings export."""

from __future__ import annotations

import numpy as np
import pytest

from assay.core.columnar import decode_array, encode_array


@pytest.mark.parametrize(
    "array",
    [
        np.zeros((5, 0)),
        np.zeros((5, 0, 3), dtype=np.int32),
        np.zeros((0, 4), dtype=np.uint8),
        np.zeros((0,), dtype="<U3"),
    ],
)
def test_arrays_with_no_value_come_back_as_they_were(array: np.ndarray) -> None:
    back = decode_array(encode_array(array))
    assert back.shape == array.shape and back.dtype == array.dtype
