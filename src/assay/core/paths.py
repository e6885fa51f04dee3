"""Specs stored with a run, made to work from any directory.

A run stores how it was invoked so that ``assay resume`` can load the same model and data
again; a relative path given by the user (``model.py:predict``, ``data.csv``) would be read
against the directory ``assay resume`` runs in, which need not be the first one.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

__all__ = ["absolute_spec", "own_folder", "run_file_name"]

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,199}")


def run_file_name(run_id: str) -> str:
    """A file name for what belongs to ``run_id`` beside the store (its lock, its retrained
    model's folder): the id itself when it is a plain name (assay's own ids are), else one
    made from its hash.  A store's ids are data from its file: one written ``../../poetry``
    in a store committed to a repository made ``assay resume`` truncate and delete the
    repository's ``poetry.lock``."""
    if _PLAIN.fullmatch(run_id) and ".." not in run_id:
        return run_id
    return "run-" + hashlib.sha256(run_id.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def own_folder(folder: Path) -> None:
    """Make ``folder`` (one beside the store: its folder of locks, of retrained models) a
    folder of assay's: a symbolic link planted at its name (``runs.db-locks -> ..``,
    ``models -> ~/bin``, beside a committed store) is removed, never followed (its target
    left as it is)."""
    if folder.is_symlink():
        os.remove(folder)
    folder.mkdir(parents=True, exist_ok=True)


def absolute_spec(spec: str | os.PathLike[str] | None) -> str | None:
    """``spec`` with an existing file or folder as its absolute path (``file.py:name`` keeps
    its ``:name``); URLs, ``builtin:`` names and anything that names no file stay as given."""
    if spec is None:
        return None
    text = os.fspath(spec)
    if "://" in text or text.startswith("builtin:"):
        return text
    if Path(text).exists():
        return str(Path(text).resolve())
    head, sep, tail = text.rpartition(":")
    if sep and head and Path(head).is_file():
        return f"{Path(head).resolve()}:{tail}"
    return text
