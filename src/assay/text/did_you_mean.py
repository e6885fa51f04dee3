"""A grammar's unknown symbol with the defined one it is likely a typo of (``%invariant
subjj`` -> ``did you mean 'subj'?``): difflib over the grammar's symbols (hostile53's
Left)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["did_you_mean"]


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """``; did you mean 'subj'?`` for the closest of ``names`` to ``name``, or ``""`` when
    none is close (difflib's ratio under 0.6)."""
    close = difflib.get_close_matches(name, list(names), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""
