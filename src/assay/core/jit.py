"""Optional compiled loops: numba (the extra ``assay[exact]``), loaded on first use.

A few inner loops of the default search (placing keys in the set of evaluated classes,
proposing the walkers' steps) have a compiled form beside the numpy one; both give the same
results, bit for bit (tests run both).  A module of compiled loops is imported by
``compiled(name)`` only when a search is large enough for it to pay (``LARGE``): importing
numba and loading the loops from its cache take a fraction of a second; the first
compilation takes a few seconds, once per installation where numba can write its cache.
Without numba, when a loop fails to compile here, or with ``ASSAY_COMPILED=0``, the numpy
code runs.  A search asks without waiting: the loops are loaded on a background thread
and used from the next round after they are ready (both forms give the same results).
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["LARGE", "compiled", "njit"]

LARGE = 1 << 18  # a set of this many keys, or a search that evaluated this many classes
_loaded: dict[str, ModuleType | None] = {}
_loading: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def compiled(name: str, *, wait: bool = True) -> ModuleType | None:
    """The module ``name`` of compiled loops (its ``warm()`` run once, compiling them or
    loading them from numba's cache), or None when they cannot be used.  ``wait=False``:
    None until they are ready, loading them meanwhile on a background thread (a search goes
    on with the numpy code rather than stop for the compilation)."""
    if name in _loaded:
        return _loaded[name]
    with _lock:
        thread = _loading.get(name)
        if thread is None:
            thread = threading.Thread(target=_load, args=(name,), name="assay-compile", daemon=True)
            _loading[name] = thread
            thread.start()
    if wait:
        thread.join()
    return _loaded.get(name)


def _load(name: str) -> None:
    module = None
    if os.environ.get("ASSAY_COMPILED", "1") != "0":
        try:
            candidate = importlib.import_module(name)
            candidate.warm()
            module = candidate
        except Exception:  # no numba, or one that cannot compile here: the numpy code
            module = None
    _loaded[name] = module


def njit(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` compiled (for a module of compiled loops: imports numba), cached on disk
    where numba can write its cache, else compiled anew in each process."""
    import numba

    try:
        return numba.njit(cache=True, nogil=True)(func)  # type: ignore[no-any-return]
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(nogil=True)(func)  # type: ignore[no-any-return]
