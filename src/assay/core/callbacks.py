"""The functions a caller hands a run (``on_progress``, ``on_start``, ``on_note``): checked
when the API function is called, before a run exists (``check_callbacks``: one that cannot
be called failed the run when it was first called, recorded as assay's own internal error, a
``TypeError``).  An exception one of them raises goes on to the caller as it is, and the run
it ends is recorded as ended by the caller's function, not by an internal error of assay
(``theirs``, ``callers_error``)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from assay.errors import UsageError

__all__ = ["callers_error", "check_callbacks", "theirs"]

F = TypeVar("F", bound=Callable[..., Any])

_RAISED_BY = "_assay_raised_by"  # set on an exception a caller's function raised: its name


def check_callbacks(**given: object) -> None:
    """A ``UsageError`` naming the first of ``given`` (keyword: value) that is neither None
    nor callable."""
    for name, value in given.items():
        if value is not None and not callable(value):
            shown = repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise UsageError(
                f"must be a function (or None), not {type(value).__name__} {shown}",
                argument=name,
            )


def theirs(name: str, fn: F | None) -> F | None:
    """``fn`` (the caller's ``name`` function), its exceptions marked as raised by it."""
    if fn is None:
        return None
    call = fn

    @functools.wraps(call)
    def marked(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except Exception as exc:
            if getattr(exc, _RAISED_BY, None) is None:
                with contextlib.suppress(AttributeError, TypeError):
                    setattr(exc, _RAISED_BY, name)
            raise

    return marked  # type: ignore[return-value]


def callers_error(exc: BaseException) -> str | None:
    """The run's error for an exception a caller's function raised (``theirs``); None for
    any other."""
    name = getattr(exc, _RAISED_BY, None)
    if not isinstance(name, str):
        return None
    return (
        f"the function given as {name} raised {type(exc).__name__}: {exc} (the caller's code, "
        "not assay's; the run can be resumed)"
    )
