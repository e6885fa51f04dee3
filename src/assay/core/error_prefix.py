"""An error said with more context before its message, keeping its class and attributes.

Wrapping a model's error in a new ``ModelError`` to name where it came from lost what it
was: a served model that stopped answering (``ModelUnavailable``, which ends a run
``model_unavailable``, resumable once the endpoint is back) or a call given up on
(``CallTimeout``) read as any failure (hostile51)."""

from __future__ import annotations

import copy
from typing import TypeVar

__all__ = ["prefixed"]

E = TypeVar("E", bound=BaseException)


def prefixed(exc: E, prefix: str) -> E:
    """A copy of ``exc``, of its class and with its attributes, whose message is ``prefix``
    followed by ``exc``'s (raise it ``from exc``)."""
    said = copy.copy(exc)
    said.args = (f"{prefix}{exc}",)
    return said
