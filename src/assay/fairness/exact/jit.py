"""numba's ``njit`` when numba is installed (the optional extra ``assay[exact]``), else nothing.

The exact analysis's compiled parts (``kernel``, ``settle``) are plain Python over numpy
arrays: with numba they are compiled (and cached on disk where numba can write its cache),
without it they run as they are (the caller then prefers the vectorised refinement)."""

from __future__ import annotations

from typing import Any

__all__ = ["COMPILED", "jit"]

try:  # pragma: no cover - depends on the environment
    import numba

    def jit(func: Any) -> Any:
        """Compiled, and cached on disk where numba can write its cache (beside this file,
        or in the user's cache folder); else compiled anew in each process that uses it (a
        read-only install run by a user without a home, for one)."""
        try:
            return numba.njit(cache=True, nogil=True)(func)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return numba.njit(nogil=True)(func)

    COMPILED = True
except ImportError:  # pragma: no cover

    def jit(func: Any) -> Any:
        return func

    COMPILED = False
