"""Specs stored with a run, made to work from any directory.

A run stores how it was invoked so that ``assay resume`` can load the same model and data
again; a relative path given by the user (``model.py:predict``, ``data.csv``) would be read
against the directory ``assay resume`` runs in, which need not be the first one.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["absolute_spec"]


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
