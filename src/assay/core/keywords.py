"""The API's keyword arguments: a name a function does not take is said in the user's terms.

``check_fairness(model, data=frame, protected="sex", max_query=5000)`` raised ``TypeError:
_setup() got an unexpected keyword argument 'max_query'``: a private function's name, and
nothing about the one meant.  The API functions check the options they pass on first.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["check_keywords"]


def _names(fn: Callable[..., Any]) -> set[str]:
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return {p.name for p in inspect.signature(fn).parameters.values() if p.kind in kinds}


def check_keywords(
    function: str, given: Mapping[str, Any], takers: Iterable[Callable[..., Any]]
) -> None:
    """A ``TypeError`` naming ``function`` (the one the user called) and the closest names it
    takes, for every keyword in ``given`` that none of ``takers`` (the function itself and
    the one its options are passed to) accepts."""
    accepted: set[str] = set()
    for fn in takers:
        accepted |= _names(fn)
    for key in given:
        if key in accepted:
            continue
        close = difflib.get_close_matches(key, sorted(accepted), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise TypeError(
            f"{function}() got an unexpected keyword argument {key!r}{hint} (it takes: "
            f"{', '.join(sorted(a for a in accepted if not a.startswith('_')))})"
        )
