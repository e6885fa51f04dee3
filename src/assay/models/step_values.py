"""The raw values a Pipeline's encoders know, by input column: where their output moves.

An ``OrdinalEncoder`` or ``OneHotEncoder`` in front of a wide integer (a zip code) is constant
between the codes it was fitted on; the exact analysis probes a continuous or wide feature's
columns at a few points, which a schema wider than those codes may all miss.  These values
are probed as well (``fairness.exact.compose``), so that such a column is seen to move.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.core.name_slices import sliced

__all__ = ["UNPLACED", "known_values"]

# the key of codes whose input column is not known (an encoder fed another step's unnamed
# output, a mask or slice not read): probed for every continuous or wide feature
UNPLACED = "\0unplaced"


def known_values(steps: Sequence[Any]) -> dict[str, np.ndarray]:
    """Per input column name, the numeric categories of the encoders fitted on it among
    ``steps`` (a Pipeline's steps before the trees; ColumnTransformers and inner Pipelines
    looked into).  Extra values only add points to the probe, which an affine column passes
    at every one of them: one taken from the wrong column costs a query, never a reading.
    Codes not placed on a column by name (``UNPLACED``) are kept for every column: a code
    lost would leave its encoder read as a constant between the points probed."""
    out: dict[str, list[np.ndarray]] = {}
    for step in steps:
        _collect(step, _names(step), out)
    return {name: np.unique(np.concatenate(parts)) for name, parts in out.items()}


def _names(step: Any) -> list[str] | None:
    names = getattr(step, "feature_names_in_", None)
    return None if names is None else [str(n) for n in names]


def _collect(step: Any, names: list[str] | None, out: dict[str, list[np.ndarray]]) -> None:
    if step is None or isinstance(step, str):
        return
    kind = type(step).__name__
    if kind == "ColumnTransformer":
        for _, inner, columns in getattr(step, "transformers_", ()):
            _collect(inner, _picked(columns, names), out)  # None: its codes unplaced
        return
    if kind == "Pipeline":
        # an imputer, then an encoder: the encoder's categories are still the raw values (a
        # later step's in other units are only more points on the line, never a false pass);
        # each step sees the names of the columns the step before it made (a ColumnTransformer
        # puts them in another order), None where they are not known
        for _, inner in step.steps:
            own = _names(inner) or names
            _collect(inner, own, out)
            names = _names_out(inner, own)
        return
    categories = getattr(step, "categories_", None)
    if categories is None:
        return
    if names is None or len(names) != len(categories):
        names = [UNPLACED] * len(categories)  # another step's output, or not its columns
    for name, values in zip(names, categories, strict=True):
        try:
            numbers = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        out.setdefault(name, []).append(numbers[np.isfinite(numbers)])


def _names_out(step: Any, names: list[str] | None) -> list[str] | None:
    """The names of the columns ``step`` makes of ``names`` (None: not known)."""
    if step is None or isinstance(step, str):
        return names  # "passthrough"
    if names is None or not hasattr(step, "get_feature_names_out"):
        return None
    try:
        return [str(n) for n in step.get_feature_names_out(names)]
    except (AttributeError, TypeError, ValueError):  # (not fitted on as many columns)
        return None


def _picked(columns: Any, names: list[str] | None) -> list[str] | None:
    """The column names a ColumnTransformer's entry takes (None: not known)."""
    if isinstance(columns, str):
        columns = [columns]
    if isinstance(columns, slice):  # by position, or by name (both ends included)
        return None if names is None else sliced(columns, names)
    if callable(columns):
        return None
    given = np.atleast_1d(np.asarray(columns, dtype=object)).tolist()
    if given and all(isinstance(c, (bool, np.bool_)) for c in given):  # a boolean mask
        if names is None or len(names) != len(given):
            return None
        return [name for name, take in zip(names, given, strict=True) if take]
    picked: list[str] = []
    for c in given:
        if isinstance(c, (int, np.integer)):
            if names is None or not 0 <= int(c) < len(names):
                return None
            picked.append(names[int(c)])
        else:
            picked.append(str(c))
    return picked
