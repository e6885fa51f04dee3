"""Inputs that do not fit in memory, said as the inputs' problem.

A ``MemoryError`` while a run loads its inputs (a grammar of hundreds of megabytes, 1,700
images of 224x224 that the scan holds as float64) was "internal error (a bug in assay)",
exit 5.  ``says_out_of_memory`` turns it into a ``UsageError`` (exit 2) naming the largest
file given (its argument, path and size); with no file given it stays what it was.
"""

from __future__ import annotations

import functools
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from assay.errors import UsageError

__all__ = ["says_out_of_memory", "too_big"]

F = TypeVar("F", bound=Callable[..., Any])


def _size(value: Any) -> int | None:
    """Bytes of the file (or the files under the folder) ``value`` names, else None."""
    if not isinstance(value, str | os.PathLike):
        return None
    path = Path(value).expanduser()
    try:
        if path.is_file():
            return path.stat().st_size
        if path.is_dir():
            return sum(
                (Path(top) / name).stat().st_size
                for top, _, names in os.walk(path)
                for name in names
            )
    except (OSError, ValueError):
        return None
    return None


def _given(
    signature: inspect.Signature, args: Any, kwargs: Any, flags: dict[str, str]
) -> list[tuple[str, Any]]:
    """``(argument, value)`` of each input of ``flags`` a call was given (one per file of a
    list: a text run's classifiers)."""
    try:
        bound = signature.bind_partial(*args, **kwargs).arguments
    except TypeError:
        return []
    given: list[tuple[str, Any]] = []
    for name, flag in flags.items():
        value = bound.get(name)
        values = list(value) if isinstance(value, list | tuple) else [value]
        given += [(flag, v) for v in values]
    return given


def too_big(said: str, given: list[tuple[str, Any]], what: str) -> UsageError:
    """The error naming the largest file among ``given`` (``(argument, value)`` pairs, one
    a file at least) when loading ``what`` ran out of memory (``said``: the MemoryError's
    words)."""
    sized = [(size, flag, value) for flag, value in given if (size := _size(value)) is not None]
    size, flag, value = max(sized, key=lambda s: s[0])
    packed = str(value).lower().endswith((".gz", ".npz", ".parquet", ".pq"))
    return UsageError(
        f"loading {what} ran out of this machine's memory ({size:,} bytes"
        + (", compressed: it inflates to far more" if packed else "")
        + f"; {' '.join(said.split())[:200] or 'MemoryError'}); give a smaller one",
        argument=flag,
        path=str(value),
    )


def says_out_of_memory(what: str, **flags: str) -> Callable[[F], F]:
    """Decorate a setup that loads inputs: its keyword ``name`` (a file) is argument
    ``flags[name]`` (``grammar="--grammar"``) in the error a ``MemoryError`` becomes."""

    def wrap(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except MemoryError as exc:
                given = _given(signature, args, kwargs, flags)
                if not any(_size(value) is not None for _, value in given):
                    raise
                said = str(exc)
            # (out of the handler: the traceback, and what the failed load held, let go)
            raise too_big(said, given, what) from None

        return inner  # type: ignore[return-value]

    return wrap
