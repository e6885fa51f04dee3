"""A pandas answer is read in the order of its index when that index names the batch's
positions, refused when its index says its rows were reordered in a way that cannot be
undone, and read by position otherwise.

A function answering a ``pd.Series`` (or a ``DataFrame`` of probabilities) whose index is
the batch's positions ``0..n-1`` in another order (a ``groupby(...).apply`` per segment, a
``sort_values`` before predicting: the rows come back grouped or sorted, each under its own
input's index) was read by position: answers given to other inputs (hostile39: 226 of 276
findings not failing when replayed, the run's flip check calling the model steady).  What
an index says (``in_input_order``; the batch a function is given, as a DataFrame too, is
indexed ``0..n-1``):

- ``0..n-1`` (as integers or as whole floats: a ``concat`` with a missing value makes them
  floats), in any order: the rows put in its order, as pandas reads it;
- pieces each counting ``0, 1, ...`` again (per-group answers with their index reset, then
  put together: the answers came back grouped) or another run of whole numbers in another
  order (``k..k+n-1`` shuffled): reordered, and which input each answer is for cannot be told:
  refused (``ModelError``, saying how to answer instead), never read by position (hostile39b:
  read so, 255 findings of the rule's 1,452, answers given to other inputs);
- anything else (the user's own labels or ids, dates, numbers in increasing order, a
  feature's values): nothing in it names the batch's positions; read by position, as a
  NumPy answer is.  An answer of another length is refused by the checks of every answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.errors import ModelError

__all__ = ["in_input_order"]

_HOW = (
    "return the answers in the order of the inputs (keep the index of the batch it was given "
    "and `.sort_index()` them, or `.reindex(X.index)`), or as a NumPy array in that order"
)


def in_input_order(raw: Any, n: int) -> Any:
    """``raw`` with its rows in the order of their index when that index holds each of
    the batch's positions ``0..n-1`` once, in another order; ``raw`` itself when its index
    names no positions; ``ModelError`` when it says the rows were reordered otherwise."""
    index = getattr(raw, "index", None)
    if index is None or not callable(getattr(raw, "sort_index", None)):
        return raw
    positions = _whole_numbers(index)
    if positions is None or len(positions) != n or n < 2:
        return raw
    if bool(np.all(positions[1:] > positions[:-1])):
        return raw  # (in order already: 0..n-1, or another index read by position)
    ordered = np.sort(positions)
    if np.array_equal(ordered, np.arange(n)):
        return raw.sort_index()
    if _restarted(positions):
        raise ModelError(
            f"the model answered a pandas {type(raw).__name__} whose index counts from 0 again "
            f"{int(np.sum(positions == 0))} times in {n} rows (answers put together from parts "
            f"whose index was reset, e.g. per group): its rows are not in the order of the "
            f"inputs, and which input each answer is for cannot be told; {_HOW}"
        )
    if np.array_equal(ordered, np.arange(ordered[0], ordered[0] + n)):
        raise ModelError(
            f"the model answered a pandas {type(raw).__name__} whose index is "
            f"{int(ordered[0])}..{int(ordered[-1])} in another order (its rows reordered), "
            f"not the batch's positions 0..{n - 1}: which input each answer is for cannot be "
            f"told; {_HOW}"
        )
    return raw


def _whole_numbers(index: Any) -> np.ndarray | None:
    """The index as integers when it holds whole numbers only (None: labels, dates, ...)."""
    try:
        values = np.asarray(index)
    except (TypeError, ValueError):
        return None
    if values.ndim != 1 or values.dtype.kind not in "iuf":
        return None
    whole = values.dtype.kind != "f" or (
        bool(np.all(np.isfinite(values))) and bool(np.all(values == np.round(values)))
    )
    if not whole:
        return None
    return values.astype(np.int64)


def _restarted(positions: np.ndarray) -> bool:
    """Pieces each counting 0, 1, 2, ... (two or more, not all of one row: an index of
    zeros is a feature's, read by position): reset indices put together."""
    starts = positions == 0
    if int(starts.sum()) < 2 or positions[0] != 0:
        return False
    steps = np.diff(positions)
    return bool(np.any(steps == 1) and np.all((steps == 1) | starts[1:]))
