"""A pandas answer is read in the order of its index, as pandas reads it.

A function answering a ``pd.Series`` (or a ``DataFrame`` of probabilities) whose index is
the batch's positions ``0..n-1`` in another order (a ``groupby(...).apply`` per segment, a
``sort_values`` before predicting: the rows come back grouped or sorted, each under its own
input's index) was read by position: answers given to other inputs (hostile39: 226 of 276
findings not failing when replayed, the run's flip check calling the model steady).  Such an
answer is put back in its index's order; an index of anything else (labels, a foreign
frame's) is read by position, as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["in_input_order"]


def in_input_order(raw: Any, n: int) -> Any:
    """``raw`` with its rows in the order of their index when that index holds each of
    the batch's positions ``0..n-1`` once, in another order; ``raw`` itself otherwise."""
    index = getattr(raw, "index", None)
    if index is None or not callable(getattr(raw, "sort_index", None)):
        return raw
    try:
        positions = np.asarray(index)
    except (TypeError, ValueError):
        return raw
    if positions.ndim != 1 or len(positions) != n or positions.dtype.kind not in "iu":
        return raw
    if not n or bool(np.all(positions[1:] > positions[:-1])):
        return raw  # (in order already: 0..n-1, or another index read by position)
    if not np.array_equal(np.sort(positions), np.arange(n)):
        return raw
    return raw.sort_index()
