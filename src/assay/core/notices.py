"""Warnings assay gives while it works, beside a run's results (credentials about to travel
over plain HTTP), told to whoever listens: the command line's stderr (silenced by
``--quiet``), an API caller's ``on_note``, else Python's ``warnings`` (``AssayWarning``).

An adapter deep in loading (``models.http``) cannot see the command's ``--quiet`` nor the
caller's ``on_note``: it calls ``warn``, and the command or API function that runs it says
where warnings go (``told_to``).  The listener is a context variable, so a loading thread
started with the caller's context (``core.loading_time``) tells the same listener.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from assay.core.kept_streams import on_own_stderr

__all__ = ["AssayWarning", "listener", "told_to", "warn"]


class AssayWarning(UserWarning):
    """A warning of assay's to a Python caller that gave no ``on_note``."""


_LISTENER: ContextVar[Callable[[str], None] | None] = ContextVar("assay_listener", default=None)


@contextmanager
def told_to(listener: Callable[[str], None]) -> Iterator[None]:
    """Within the block, ``warn``'s messages go to ``listener``."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def listener() -> Callable[[str], None] | None:
    """Who ``warn`` tells here (None: nobody; an ``AssayWarning``), for a thread started
    without this context (an executor's watch) to tell the same one."""
    return _LISTENER.get()


def warn(message: str) -> None:
    """Say ``message`` (a sentence, no ``warning:`` before it) to the listener, else as an
    ``AssayWarning``."""
    listener = _LISTENER.get()
    if listener is None:
        with on_own_stderr():  # (in an API call: not into a model's replaced stderr)
            warnings.warn(message, AssayWarning, stacklevel=3)
    else:
        listener(message)
