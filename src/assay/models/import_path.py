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

A model's code may import packages found only through ``PYTHONPATH`` (a ``file.py:f`` whose
file imports ``mylib``, set by ``PYTHONPATH=lib``): its own folder tells nothing of them.
So whenever ``$PYTHONPATH`` is set, a model of the user's code (a file or a module) keeps
its entries too (``import_entries``), absolute, after its own folder; the folder ``assay``
itself is imported from is not kept (the rerun runs whichever ``assay`` the shell finds).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["import_entries", "import_entry"]


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


def import_entries(spec: str) -> list[str]:
    """The folders a rerun of a model given as ``spec`` (``file.py:name`` or
    ``package.module:name``) sets ``PYTHONPATH`` to: its own (``import_entry``) then every
    existing ``$PYTHONPATH`` entry (absolute, resolved) but assay's own; [] for a spec of
    no code of the user's (a saved model, a URL, ``builtin:``)."""
    target = spec.rpartition(":")[0]
    if not target or "://" in spec or spec.startswith("builtin:"):
        return []
    own = import_entry(spec)
    folders = [own] if own is not None else []
    for entry in _pythonpath():
        if entry is not None and entry not in folders and _the_users(entry):
            folders.append(entry)
    return folders


def _the_users(entry: str) -> bool:
    """Whether a ``$PYTHONPATH`` entry is one a fresh shell's ``assay`` would not search:
    it exists, and is neither the folder ``assay`` itself is imported from (``src`` of a
    checkout) nor inside the interpreter's installation (the standard library,
    site-packages: a ``PYTHONPATH`` copied from ``sys.path``)."""
    import assay

    if not os.path.exists(entry) or entry == _resolved(str(Path(assay.__file__).parents[1])):
        return False
    homes = {_resolved(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return not any(h is not None and Path(entry).is_relative_to(h) for h in homes)


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
