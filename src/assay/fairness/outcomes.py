"""Each outcome's share per protected value, for a model of three classes and more
(``approve``/``review``/``decline``): the direction's ``favoured_in`` counts one favourable
class, so "the M variant gets 'approve' in 50.00 %" left unsaid that M gets ``review`` where F
gets ``decline`` in the other half.  ``gets``: the share of the IDIs in which the value gets
each class, beside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["outcome_shares"]


def outcome_shares(got: np.ndarray | None, classes: Sequence[str]) -> dict[str, Any]:
    """``{"gets": {CLASS: share}}`` over ``got`` (one value's class index in each IDI), or
    nothing for a model of two classes (``favoured_in`` says it all) or no IDI."""
    if len(classes) <= 2 or got is None or not len(got):
        return {}
    n = len(got)
    return {"gets": {name: int((got == c).sum()) / n for c, name in enumerate(classes)}}
