"""The text search's optional compiled build: its hot modules compiled by mypyc into C
extension modules beside their sources, used only while they are the build of those sources.

    make compiled                      # python -m assay.text.build build (mypy, a C compiler)
    python -m assay.text.build status
    make clean-compiled                # python -m assay.text.build clean

The build finds exactly what the pure modules find, seed for seed (``tests/unit/
test_perf48_compiled.py``); it takes the search's own CPU down by about a third
(bench/RESULTS.md, perf48).  Without it, or without a compiler, everything runs as Python.

Python imports an extension module in preference to the ``.py`` beside it, so a build left
behind after its sources changed would run old code.  ``use_fresh_build`` (called by
``assay/text/__init__.py`` before any of these modules is imported) loads every one of them
from its source instead when any source differs from the one built (a SHA-256 recorded by
the build in ``compiled.json``), when the stamp is missing or of another Python, or when
``ASSAY_COMPILED=0``.  All or none: compiled modules call each other's C code directly, so one
rebuilt source beside stale extensions must not mix with them.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# the search's hot modules (bench/RESULTS.md: fast30, perf48); each compiles unchanged
MODULES = (
    "walk",
    "moves",
    "generate",
    "flat",
    "shrink",
    "engine",
    "engine_state",
    "known",
    "strategies",
    "vocab",
)
STAMP = "compiled.json"
HERE = Path(__file__).resolve().parent


def python_tag() -> str:
    return f"{sys.implementation.cache_tag}"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def extensions(folder: Path = HERE) -> dict[str, Path]:
    """The compiled modules found beside their sources in ``folder``, by module name."""
    found: dict[str, Path] = {}
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        for name in MODULES:
            path = folder / f"{name}{suffix}"
            if name not in found and path.exists():
                found[name] = path
    return found


def why_not(folder: Path = HERE) -> str | None:
    """Why the extension modules in ``folder`` must not be used (None: use them, or there are
    none)."""
    built = extensions(folder)
    if not built:
        return None
    if os.environ.get("ASSAY_COMPILED", "1") == "0":
        return "ASSAY_COMPILED=0"
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"no readable {STAMP} beside them"
    if not isinstance(stamp, dict) or stamp.get("python") != python_tag():
        return f"built for another Python than {python_tag()}"
    sources = stamp.get("sources")
    if not isinstance(sources, dict) or set(sources) != set(MODULES) or set(built) != set(MODULES):
        return "not the build of these modules"
    for name in MODULES:
        source = folder / f"{name}.py"
        if not source.exists() or sources[name] != digest(source):
            return f"{name}.py changed since the build (make compiled)"
    return None


class _FromSource(importlib.abc.MetaPathFinder):
    """Finds ``assay.text.NAME`` of the compiled modules as their ``.py`` source."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        package, _, name = fullname.rpartition(".")
        if package != __package__ or name not in MODULES:
            return None
        return importlib.util.spec_from_file_location(fullname, self.folder / f"{name}.py")


def use_fresh_build() -> None:
    """Load the compiled modules from their sources unless the build beside them is fresh
    (see the module's text).  Nothing happens when none is built."""
    if why_not() is not None and not any(isinstance(f, _FromSource) for f in sys.meta_path):
        sys.meta_path.insert(0, _FromSource(HERE))


def in_use() -> list[str]:
    """The compiled modules of the search this process runs (imported or not yet)."""
    out = []
    for name in MODULES:
        spec = importlib.util.find_spec(f"{__package__}.{name}")
        origin = (spec.origin or "") if spec else ""
        if origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
            out.append(name)
    return out
