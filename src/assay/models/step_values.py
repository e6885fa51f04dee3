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

__all__ = ["known_values"]


def known_values(steps: Sequence[Any]) -> dict[str, np.ndarray]:
    """Per input column name, the numeric categories of the encoders fitted on it among
    ``steps`` (a Pipeline's steps before the trees; ColumnTransformers and inner Pipelines
    looked into).  Extra values only add points to the probe, which an affine column passes
    at every one of them: one taken from the wrong column costs a query, never a reading."""
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
            picked = _picked(columns, names)
            if picked is not None:
                _collect(inner, picked, out)
        return
    if kind == "Pipeline":
        # an imputer, then an encoder: the encoder's categories are still the raw values (a
        # later step's in other units are only more points on the line, never a false pass)
        for _, inner in step.steps:
            _collect(inner, _names(inner) or names, out)
        return
    categories = getattr(step, "categories_", None)
    if categories is None or names is None or len(names) != len(categories):
        return
    for name, values in zip(names, categories, strict=True):
        try:
            numbers = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            continue
        out.setdefault(name, []).append(numbers[np.isfinite(numbers)])


def _picked(columns: Any, names: list[str] | None) -> list[str] | None:
    """The column names a ColumnTransformer's entry takes (None: not known)."""
    if isinstance(columns, str):
        columns = [columns]
    if isinstance(columns, slice) or callable(columns):
        return None
    picked: list[str] = []
    for c in np.atleast_1d(np.asarray(columns, dtype=object)).tolist():
        if isinstance(c, bool):
            return None  # a boolean mask: rare, and read by position only with the names
        if isinstance(c, (int, np.integer)):
            if names is None or not 0 <= int(c) < len(names):
                return None
            picked.append(names[int(c)])
        else:
            picked.append(str(c))
    return picked
