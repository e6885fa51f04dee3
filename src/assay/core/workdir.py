"""The current folder a model changes is the model's own: the command's stays its own.

A model that calls ``os.chdir`` (at import, to read its files by relative paths; or in
every call) changed the folder of the whole process: the run store, ``--report``,
``--junit``, ``--html`` and ``--export`` given as relative paths were then written into the
model's folder, and a CI job read yesterday's JUnit file where it asked for today's
(hostile39).  While a command runs (``held``, the command line's), the folder the command
started in is put back after the model's loading and after each of its calls, and the
folder the model moved to is given back to it for each call: the model sees the folder it
chose, assay the one the user gave its paths from.  The Python API's calls that load or call
a model (``check_*``, ``resume_run``, ``verify_run``: ``core.call_exit``) hold it likewise:
a notebook is left in its own folder when the call returns or raises (a model that chdirs in
its calls left the caller's process in its folder: api39), and the relative paths given to
the call are read from the caller's folder.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import ParamSpec, TypeVar

_T = TypeVar("_T")
_P = ParamSpec("_P")

__all__ = ["anchored", "held", "holding", "model_call", "take_back"]

_lock = threading.Lock()
_ours: str | None = None  # the command's folder, while a command runs
_theirs: str | None = None  # the folder the model last moved to (None: it never moved)
_holders = 0  # the commands and API calls holding it now (nested, or on several threads)
_calls = threading.local()  # .depth: the model calls this thread is inside
_entries = threading.local()  # .folders: the folders of this thread's holders, innermost last


@contextmanager
def held() -> Iterator[None]:
    """While a command (or an API call) runs: its current folder is kept as its own, and is
    the process's again when it ends, however it ends (a model that moved the process in a
    call still under way on another thread, or in a step no call wraps, left it there).
    Held by several at once (the command line's ``main`` and the API call it makes; two API
    calls on two threads of one program), the first one's folder is kept until the last ends
    (a nested holder's ``before`` put back by an outer one that ended first left a folder
    held for good: every later model call moved the program back to it), and is the folder
    of each one that begins meanwhile: the process's at that moment may be a model's, moved
    in a call under way on another thread (its relative paths were read there, and the
    process was put back there when it ended: left40)."""
    global _ours, _theirs, _holders
    with _lock:
        # (another's call under way: the process may be in its model's folder now, which
        # this call must neither anchor its paths to nor put back at its end: left40)
        mine = _ours if _holders and _ours is not None else _current()
        if _holders == 0:
            _ours, _theirs = mine, None
        _holders += 1
    folders = _entries.__dict__.setdefault("folders", [])
    folders.append(mine)
    try:
        yield
    finally:
        folders.pop()
        with _lock:
            _holders -= 1
            if _holders == 0:
                _ours, _theirs = None, None
            if mine is not None and _current() != mine:
                _move(mine)


def holding(fn: Callable[_P, _T]) -> Callable[_P, _T]:
    """``fn`` run inside ``held``: a loading the API offers alone (``setup_text``,
    ``setup_backdoor``, as ``setup_fairness``) leaves the caller in its folder when a model
    chdirs at import (left39)."""

    @functools.wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with held():
            return fn(*args, **kwargs)

    return run


def anchored(path: str | os.PathLike[str] | _T) -> str | _T:
    """A path given relative, made absolute against the folder of the call this thread is
    in (``held``; outside one, the current folder): at an API call's entry, before the
    model's loading and calls can move the process (a model that chdirs in its first call
    had ``check_fairness(..., store="s.db")`` open its store in the model's folder), and
    never against the folder another thread's model has the process in at that moment (two
    calls at once on two threads: left40); ``~`` expanded; anything else (a ``RunStore``)
    as it is."""
    if isinstance(path, str | os.PathLike):
        given = os.path.expanduser(os.fspath(path))
        folders = getattr(_entries, "folders", None)
        if folders and folders[-1] is not None:  # (this thread's call's folder: ``held``)
            return os.path.abspath(os.path.join(folders[-1], given))
        return os.path.abspath(given)
    return path


def take_back() -> None:
    """After the model's loading: where it moved the process, the move is kept as the
    model's folder and the command's put back."""
    global _theirs
    with _lock:
        now = _current()
        if _ours is not None and now is not None and now != _ours:
            _theirs = now
            _move(_ours)


@contextmanager
def model_call() -> Iterator[None]:
    """Around one call of the model (the outermost on its thread: assay's wrappers nest):
    in the folder the model moved to, if it ever did; the command's put back after it, and
    the folder the model left kept as its own."""
    depth = getattr(_calls, "depth", 0)
    _calls.depth = depth + 1
    if depth == 0:
        with _lock:
            if _ours is not None and _theirs is not None and _current() != _theirs:
                _move(_theirs)
    try:
        yield
    finally:
        _calls.depth = depth
        if depth == 0:
            _left()


def _left() -> None:
    global _theirs
    with _lock:
        now = _current()
        if _ours is None or now is None:
            return
        _theirs = None if now == _ours else now
        if now != _ours:
            _move(_ours)


def _current() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # (the folder was removed under the process)
        return None


def _move(folder: str) -> None:
    with suppress(OSError):  # (removed since: nothing to go back to; paths fail there)
        os.chdir(folder)
