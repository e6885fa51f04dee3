"""Whole-number arguments as a notebook gives them: a NumPy integer is a whole number.

``max_queries=np.int64(5000)`` (a budget computed with NumPy, ``for n in np.arange(...)``)
means 5000: the API functions take any ``numbers.Integral`` for their whole-number
arguments and keep (store, print, report) a plain ``int``.  A bool (``np.True_`` too) is
not a number of anything, and a float or a string is refused as before: ``1.5`` queries or
``"5000"`` may be a slip for something else.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from assay.errors import UsageError

__all__ = ["whole", "wholes"]


def whole(value: Any, argument: str, *, text: bool = False) -> Any:
    """``value`` with a NumPy (or other ``numbers.Integral``) integer made a plain ``int``;
    None as it is; a usage error naming ``argument`` for a bool, a float or (unless
    ``text``: an argument that also takes words, such as ``keep_findings="all"``) a string."""
    if value is None or (text and isinstance(value, str)):
        return value
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise UsageError(f"must be a whole number, not {value!r}", argument=argument)
    return int(value)


def wholes(
    given: Mapping[str, Any], names: Iterable[str], *, loose: Iterable[str] = ()
) -> dict[str, Any]:
    """``given`` (keyword arguments) with each of ``names`` present made a plain ``int`` (see
    ``whole``); of ``loose`` (arguments that take other forms too, such as ``classes``: a
    number or the names), only an integer is made plain, the rest left to their check."""
    out = dict(given)
    for name in names:
        if name in out:
            out[name] = whole(out[name], name)
    for name in loose:
        value = out.get(name)
        if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
            out[name] = int(value)
    return out
