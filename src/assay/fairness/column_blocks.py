"""Numeric columns of a frame read many at a time (a file of 100,000 columns must not take a
pandas Series and a dozen Python calls per column).

Only plain numpy integer and float columns are taken here; a column with anything to say
(no value, an infinite one, a whole number beyond 2**53, a value outside its bounds) is
left to the per-column code in ``tabular_io``, which names it as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from assay.fairness.schema import Feature, FeatureKind

__all__ = ["encode_numbers", "numeric_features", "plain_numeric"]

_CELLS = 1 << 23  # values converted at a time (64 MB of float64)
_EXACT = 2.0**53  # the largest whole number below which every one is a float64


def plain_numeric(col_dtype: object) -> bool:
    """A numpy integer or float column (no booleans, no pandas extension types)."""
    return isinstance(col_dtype, np.dtype) and col_dtype.kind in "iuf"


def _groups(frame: pd.DataFrame, columns: Sequence[object]) -> list[list[int]]:
    """Positions in ``columns`` in groups of at most ``_CELLS`` values."""
    per = max(1, _CELLS // max(len(frame), 1))
    return [list(range(i, min(i + per, len(columns)))) for i in range(0, len(columns), per)]


def numeric_features(
    frame: pd.DataFrame, columns: Sequence[object], names: Sequence[str]
) -> dict[str, Feature]:
    """Features inferred from the plain numeric ``columns`` (named ``names``): integer
    (bounded by min and max) or continuous; a column left out has something to say."""
    out: dict[str, Feature] = {}
    if len(frame) == 0 or not columns:
        return out
    for group in _groups(frame, columns):
        sub = frame[[columns[i] for i in group]]
        kinds = [d.kind for d in sub.dtypes]
        values = sub.to_numpy(dtype=np.float64)
        empty = np.isnan(values)
        seen = (~empty).any(axis=0)
        finite = (np.isfinite(values) | empty).all(axis=0)
        low = np.where(empty, np.inf, values).min(axis=0)
        high = np.where(empty, -np.inf, values).max(axis=0)
        whole = ((values == np.round(values)) | empty).all(axis=0)
        for at, i in enumerate(group):
            if not (seen[at] and finite[at]):
                continue
            is_int = kinds[at] in "iu"
            if is_int and (high[at] > _EXACT or low[at] < -_EXACT):
                continue
            kind: FeatureKind = "integer" if is_int or whole[at] else "continuous"
            out[names[i]] = Feature(names[i], kind, low=float(low[at]), high=float(high[at]))
    return out


def encode_numbers(
    frame: pd.DataFrame,
    columns: Sequence[object],
    features: Sequence[Feature],
    out: np.ndarray,
    positions: Sequence[int],
    *,
    clip: bool,
) -> set[int]:
    """Write the plain numeric ``columns`` (of ``features``) into ``out[:, positions]``; the
    positions of those with something to say (not finite, not whole for an integer
    feature, outside the bounds unless ``clip``) are returned, not written."""
    bad: set[int] = set()
    for group in _groups(frame, columns):
        cols = [columns[i] for i in group]
        feats = [features[i] for i in group]
        values = frame[cols].to_numpy(dtype=np.float64)
        low = np.array([f.encoded_low for f in feats])
        high = np.array([f.encoded_high for f in feats])
        integer = np.array([f.kind == "integer" for f in feats])
        wrong = ~np.isfinite(values).all(axis=0)
        wrong |= integer & ~(values == np.round(values)).all(axis=0)
        if clip:
            values = np.clip(values, low, high)
        else:
            wrong |= ((values < low) | (values > high)).any(axis=0)
        keep = np.flatnonzero(~wrong)
        out[:, [positions[group[k]] for k in keep]] = values[:, keep]
        bad.update(positions[group[k]] for k in np.flatnonzero(wrong))
    return bad
