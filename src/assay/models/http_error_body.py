"""A served answer of status 200 that says it failed.

Some model servers answer every request with 200 and put a failure in the body beside a
fallback answer (``{"outputs": [0, 0, ...], "error": "model not loaded: default answers"}``).
The outputs read as the model's, and a fallback that answers alike for everyone passed a
fairness run or a scan: what was tested was the fallback.  An answer whose top level holds
a non-empty ``error`` or ``errors`` (the keys servers name a failure with) is the model
failing, named with what the server said.
"""

from __future__ import annotations

from typing import Any

__all__ = ["said_error"]

_KEYS = ("error", "errors")


def said_error(payload: Any) -> str | None:
    """What the answer's ``error`` / ``errors`` says when it holds something (``None``,
    ``""``, ``[]``, ``{}`` and ``false`` say nothing: many servers always send the key)."""
    if not isinstance(payload, dict):
        return None
    for key in _KEYS:
        value = payload.get(key)
        if value not in (None, "", [], {}, False):
            return f'"{key}": {str(value)[:200]}'
    return None
