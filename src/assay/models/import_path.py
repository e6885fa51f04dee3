"""Where a model given as ``package.module:name`` was imported from, when a fresh shell's
``assay`` would not look there.

A model importable only through ``PYTHONPATH`` (``PYTHONPATH=lib assay fairness
mypkg.models:unfair ...``) got a rerun command without it: pasted in a fresh shell it
failed, "cannot import module 'mypkg.models'".  Likewise a package in the working folder
under ``python -m assay`` (which puts the working folder on ``sys.path``): the ``assay``
script, which the printed command names when it is on the PATH, does not.  The run keeps
that folder (``spec_info["import_path"]``) and its rerun and resume commands set
``PYTHONPATH`` to it (``core.runinfo.code_environment``), as a text run's keep
``ASSAY_TEXT_LANES``.  Folders every shell's ``assay`` searches (the standard library,
site-packages, a ``.pth`` file's, an editable install's) are not kept.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["import_entry"]


def import_entry(spec: str) -> str | None:
    """The folder (absolute, resolved) that ``spec``'s top-level package or module was
    imported from, when it is an entry of ``$PYTHONPATH`` or the working folder; None
    otherwise, for a ``file.py:name`` spec (imported by its path) or a module not imported."""
    target = spec.rpartition(":")[0]
    if not target or target.endswith(".py"):
        return None
    top = sys.modules.get(target.split(".")[0])
    found = getattr(top, "__spec__", None)
    if found is None:
        return None
    places = list(found.submodule_search_locations or [])  # (a package: its folders)
    origin = found.origin
    if not places and isinstance(origin, str) and os.path.isabs(origin):
        places = [origin]  # (a module: its file)
    searched = [*_pythonpath(), _resolved(os.getcwd())]
    for place in places:
        folder = _resolved(str(Path(place).parent))
        if folder is not None and folder in searched:
            return folder
    return None


def _pythonpath() -> list[str | None]:
    """``$PYTHONPATH``'s folders, absolute and resolved (the interpreter read them relative
    to the folder it started in: this one)."""
    given = os.environ.get("PYTHONPATH") or ""
    return [_resolved(part) for part in given.split(os.pathsep) if part]


def _resolved(path: str) -> str | None:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return None
