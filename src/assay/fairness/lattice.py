"""The decimal lattice the fairness search's continuous values live on.

A walker that steps ``income`` from 49.1 up by a unit and back computes
``49.1 + 0.69 - 0.69 = 49.099999999999994``: float rounding, not a new input.  Counted as
one, it made about 5 % of a run's IDIs doubles of another (hostile35's Left 1).  So every
continuous value a search makes is put on a decimal lattice of its feature, ``DIGITS``
significant digits of the feature's largest magnitude (``income`` up to 95.3: multiples of
1e-12), and the units the walks step by too: sums and differences of lattice values land
within a few float roundings of a lattice value (at most about 0.04 of its spacing), so
snapping gives that value exactly, whatever the order of the steps.  A data value with at
most that many digits (a CSV's 49.1) is on the lattice already: snapping leaves it bit for bit
as read, and what the model is asked changes by no more than the rounding removed.

Class keys (``class_keys``) snap a row's continuous values before hashing them, so a value
equal to a lattice value within rounding (a data value given with more digits, or a step of
a search that does not snap) is the same class as that lattice value: asked once, counted
once.

A feature's scale ``s`` (``scales``): ``s > 0``, multiples of ``1 / s``
(``x -> floor(x * s + 0.5) / s``); ``s < 0``, multiples of ``-s`` (a feature reaching 1e14 or
more); 0, not snapped (discrete features, or a continuous one whose span is under a
billionth of its magnitude, where a lattice this coarse would swallow its steps).  Powers of
ten are exact doubles up to 1e22, so a lattice value is the double nearest its decimal: the
one a CSV's text parses to.  The walk's compiled loop (``walkkernel``) does the same
arithmetic on each value as ``snap`` does on arrays.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["DIGITS", "scales", "snap", "snap_columns"]

DIGITS = 14  # significant digits of a feature's largest magnitude (float64 holds ~15.9)
_NARROW = 1e-9  # a span under this share of the magnitude is not snapped
_MOST = 22  # 10**22 is the largest power of ten that is an exact double


def scales(lows: np.ndarray, highs: np.ndarray, discrete: np.ndarray) -> np.ndarray:
    """Each feature's lattice scale (see the module's text): 0 for discrete features."""
    out = np.zeros(len(lows))
    for j in np.flatnonzero(~np.asarray(discrete, dtype=bool)).tolist():
        lo, hi = float(lows[j]), float(highs[j])
        top = max(abs(lo), abs(hi))
        if not (math.isfinite(top) and top > 0 and hi - lo > _NARROW * top):
            continue
        k = min(DIGITS - math.ceil(math.log10(top)), _MOST)
        out[j] = float(10**k) if k >= 0 else -float(10 ** (-k))
    return out


def snap(values: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``values`` on their lattice (a new array); ``scale`` broadcasts against them."""
    x = np.asarray(values, dtype=np.float64)
    s = np.broadcast_to(np.asarray(scale, dtype=np.float64), x.shape)
    up = s > 0
    down = s < 0
    out = x.copy()
    if up.any():
        out[up] = np.floor(x[up] * s[up] + 0.5) / s[up]
    if down.any():
        out[down] = np.floor(x[down] / -s[down] + 0.5) * -s[down]
    return out


def snap_columns(rows: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """The columns of ``rows`` (n, d) whose ``scale`` (d,) is not 0 snapped, in place; the
    rows returned.  Nothing is done (no pass over the rows) when every scale is 0."""
    for cols in (np.flatnonzero(scale > 0), np.flatnonzero(scale < 0)):
        if not len(cols):
            continue
        block = rows[:, cols]  # (a copy: the columns' arithmetic in whole passes)
        s = scale[cols]
        if s[0] > 0:
            block *= s
            block += 0.5
            np.floor(block, out=block)
            block /= s
        else:
            block /= -s
            block += 0.5
            np.floor(block, out=block)
            block *= -s
        rows[:, cols] = block
    return rows
