"""numba's ``njit`` when numba is installed (the optional extra ``assay[exact]``), else nothing.

The exact analysis's compiled parts (``kernel``, ``settle``) are plain Python over numpy
arrays: with numba they are compiled (and cached on disk where numba can write its cache),
without it they run as they are (the caller then prefers the vectorised refinement)."""

from __future__ import annotations

import functools
import importlib.util
import sys
from typing import Any

from assay.core.jit import njit

__all__ = ["COMPILED", "compile_all", "jit"]

# numba takes most of a second to import: it is imported when a compiled function is first
# used (an ensemble's refinement), not with the package (every fairness run reads these
# modules)
COMPILED = importlib.util.find_spec("numba") is not None


class _Deferred:
    """Stands for a compiled function until the first use of any; then every function is
    compiled (``compile_all``) and this one hands its calls and attributes on."""

    def __init__(self, func: Any) -> None:
        functools.update_wrapper(self, func)
        self._func = func
        self._target: Any = None

    def _compiled(self) -> Any:
        compile_all()
        return self._target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._compiled()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_func", "_target"):
            raise AttributeError(name)
        return getattr(self._compiled(), name)


_DEFERRED: list[_Deferred] = []


def jit(func: Any) -> Any:
    if not COMPILED:  # pragma: no cover - depends on the environment
        return func
    stand_in = _Deferred(func)
    _DEFERRED.append(stand_in)
    return stand_in


def compile_all() -> None:
    """Import numba and put each function's compiled form wherever assay's modules hold its
    stand-in (its own module, and any that imported it by name), so that compiled code calls
    compiled code.  Each is compiled on its first call, and cached on disk where numba can
    write its cache (beside its module, or in the user's cache folder); else compiled anew in
    each process that uses it (a read-only install run by a user without a home, for one)."""
    if all(d._target is not None for d in _DEFERRED):
        return
    for d in _DEFERRED:
        if d._target is None:
            d._target = njit(d._func)
    for name, module in list(sys.modules.items()):
        if name == "assay" or name.startswith("assay."):
            space = vars(module)
            for key, value in list(space.items()):
                if isinstance(value, _Deferred):
                    space[key] = value._target
