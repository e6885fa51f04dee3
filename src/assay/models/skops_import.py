"""Importing ``skops.io`` without the array libraries it never needs.

``skops.io`` lists scikit-learn's estimators when imported (``all_estimators``), which walks
every scikit-learn package with ``pkgutil.walk_packages``; that imports each package it walks
through, ``sklearn.externals.array_api_compat.torch`` among them, so torch (when installed)
came in with it: 330 MB of memory for the whole run and seconds of loading, for a model of
scikit-learn types.  The walk skips a package whose import raises ``ImportError``, and
``all_estimators`` leaves ``externals`` out anyway: the list of trusted types is the same.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any

__all__ = ["import_skops_io"]

# scikit-learn's bundled array-API shims for other array libraries: each imports its library
_SHIMS = "sklearn.externals.array_api_compat."
_NOT_NEEDED = ("torch", "cupy", "dask")


class _Refuse(MetaPathFinder):
    """Refuses to import the shims of ``names`` (nothing else)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = frozenset(_SHIMS + n for n in names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname in self.names:
            raise ImportError(f"{fullname} is not imported while skops.io loads", name=fullname)
        return None


def import_skops_io() -> Any:
    """``skops.io``, imported without the shims of array libraries not imported already."""
    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    refuse = _Refuse([n for n in _NOT_NEEDED if n not in sys.modules])
    sys.meta_path.insert(0, refuse)
    try:
        import skops.io as sio
    finally:
        sys.meta_path.remove(refuse)
    return sio
