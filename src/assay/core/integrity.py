"""Fingerprints of the files a run depends on, checked again when it resumes.

A run stores, when it is created, the sha256 of its model file (a ``.skops``/``.onnx``/pickle
file, the ``.py`` file of a ``file.py:function`` model, or the module's file of a
``package.module:function`` model, as it was imported to load it) and of its data and schema
files.
``check_fingerprints`` refuses to resume when one of them changed: the findings of two
different models (or of a search over different data) must never be mixed.  ``force`` lets a
changed model through (said so), never changed data.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assay.errors import UsageError

__all__ = [
    "LABEL_MAP_PRINT",
    "changed_files_note",
    "check_fingerprints",
    "file_fingerprint",
    "model_changed",
    "model_fingerprint",
    "path_fingerprint",
]


# a text run's ``--label-map`` file: a resume uses the mapping kept with the run, so only the
# rerun command reads the file again (``changed_files_note``); ``check_fingerprints`` skips it
LABEL_MAP_PRINT = "label map"


def file_fingerprint(
    path: str | os.PathLike[str], *, external: Sequence[str] = ()
) -> dict[str, Any]:
    """``{"path", "bytes", "sha256"}`` of a file (read in 1 MiB chunks).  ``external``: the
    files an ONNX model keeps its tensors in (``models.onnx_external``): then ``sha256``
    covers them too (``_with_external``) and ``external`` lists them, so that a check of
    the file later reads them again."""
    p = Path(path)
    own, size = _sha256(p), p.stat().st_size
    if not external:
        return {"path": str(p.resolve()), "bytes": size, "sha256": own}
    sha, more = _with_external(own, list(external))
    kept = list(external)
    return {"path": str(p.resolve()), "bytes": size + more, "sha256": sha, "external": kept}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _with_external(own: str, external: list[str]) -> tuple[str, int]:
    """The sha256 of a file whose own is ``own`` with the files ``external`` (each by its
    path and contents; one gone counts as such), and their bytes."""
    digest = hashlib.sha256(f"{own}\n".encode())
    size = 0
    for name in external:
        sha = "gone"
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.stat(name).st_mode):  # (a pipe or a device named: not read)
                sha = _sha256(Path(name))
                size += os.path.getsize(name)
        digest.update(f"{name}\0{sha}\n".encode())
    return digest.hexdigest(), size


def path_fingerprint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A file's fingerprint, or a folder's: the sha256 of its files' names and contents (the
    files in it and in its subfolders, by path relative to it: an image folder of class
    subfolders; a folder reached twice through symbolic links counted once), ``bytes`` their
    total size.  A folder of files only hashes as it always did (by their names)."""
    p = Path(path)
    if p.is_file():
        return file_fingerprint(p)
    digest = hashlib.sha256()
    total = 0
    for f in _files_under(p):
        one = file_fingerprint(f)
        digest.update(f"{f.relative_to(p).as_posix()}\0{one['sha256']}\n".encode())
        total += int(one["bytes"])
    return {"path": str(p.resolve()), "bytes": total, "sha256": digest.hexdigest()}


def _files_under(top: Path) -> list[Path]:
    """The files in ``top`` and its subfolders, sorted by relative path; symbolic link loops
    and unreadable folders skipped."""
    seen: set[tuple[int, int]] = set()
    found: list[Path] = []
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
            entries = list(folder.iterdir())
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen:
            continue
        seen.add((st.st_dev, st.st_ino))
        for entry in entries:
            if entry.is_file():
                found.append(entry)
            elif entry.is_dir():
                stack.append(entry)
    return sorted(found, key=lambda f: f.relative_to(top).as_posix())


def model_fingerprint(spec_info: dict[str, Any], spec: Any) -> dict[str, Any] | None:
    """The fingerprint of the file a model was loaded from, if it came from one."""
    info = spec_info.get("file")
    if isinstance(info, dict) and info.get("sha256") and info.get("path"):
        kept = {"path": str(info["path"]), "bytes": info.get("bytes"), "sha256": info["sha256"]}
        if isinstance(info.get("external"), list):  # (an ONNX model's data files)
            kept["external"] = list(info["external"])
        return kept
    if isinstance(spec, str) and ".py:" in spec:
        source = spec.rpartition(":")[0]
        if source.endswith(".py") and Path(source).is_file():
            return file_fingerprint(source)
    if isinstance(spec, str) and (module_file := _module_file(spec)) is not None:
        return file_fingerprint(module_file)
    return None


def _module_file(spec: str) -> str | None:
    """The file of a ``package.module:name`` model's module as this process imported it to
    load the model (``sys.modules``: nothing is imported or looked up here, a read-only
    command never runs a user's module for this); None for another spec (``builtin:...``),
    a module not imported, or one not from a file (built in, frozen, in a zip).  Only the
    named module's own file: a function it imports from another module is not covered."""
    target = spec.rpartition(":")[0]
    if not target or not all(part.isidentifier() for part in target.split(".")):
        return None
    origin = getattr(getattr(sys.modules.get(target), "__spec__", None), "origin", None)
    if not isinstance(origin, str) or not os.path.isabs(origin) or not Path(origin).is_file():
        return None
    return origin


def model_changed(fingerprints: dict[str, Any] | None) -> str | None:
    """How the run's model file differs from the one it started with ('changed', 'is gone'),
    or None (the same file, or a model not from a file)."""
    stored = (fingerprints or {}).get("model")
    if not isinstance(stored, dict) or not stored.get("sha256"):
        return None
    now = _now(stored)
    if now == stored["sha256"]:
        return None
    return "is gone" if now is None else "changed"


def files_changed(fingerprints: dict[str, Any] | None, prefix: str) -> list[str]:
    """The run's files whose fingerprint key starts with ``prefix`` ('classifier') and that
    changed or are gone since the run started, each as 'classifier 2 (b.py:f) changed'."""
    out = []
    for key, stored in (fingerprints or {}).items():
        if not key.startswith(prefix) or not isinstance(stored, dict) or not stored.get("sha256"):
            continue
        now = _now(stored)
        if now != stored["sha256"]:
            out.append(f"{key} {'is gone' if now is None else 'changed'}")
    return out


def changed_files_note(fingerprints: dict[str, Any] | None) -> str | None:
    """What a stored run's rerun command cannot promise once a file it reads (the model's,
    the data's, the grammar's, the images') changed or is gone since the run started: the
    command reads the file as it is now.  None when every file is as it was (or the run
    read none)."""
    said, unnamed = [], []
    for what, stored in (fingerprints or {}).items():
        if not isinstance(stored, dict) or not stored.get("sha256"):
            continue
        if not _nameable(str(stored.get("path", ""))):  # (not 'gone': not checked)
            unnamed.append(f"the {what} file {stored.get('path')}")
            continue
        now = _now(stored)
        if now != stored["sha256"]:
            change = "is gone" if now is None else "changed"
            said.append(f"the {what} file {stored.get('path')} {change}")
    notes = []
    if said:
        notes.append(
            f"{'; '.join(said)} since the run started: the command reads the file as it is "
            "now, so the same seed may give other findings than this run's"
        )
    if unnamed:  # (a run started in a UTF-8 terminal, shown in an ISO-8859-1 one)
        them = "it" if len(unnamed) == 1 else "them"
        notes.append(
            f"{', '.join(unnamed)} not checked: this terminal's encoding "
            f"({sys.getfilesystemencoding()}) cannot name {them}; the command, with "
            f"PYTHONUTF8=1, reads {them}"
        )
    return "; ".join(notes) or None


def _nameable(path: str) -> bool:
    """Whether this process can name the file ``path`` (its file system encoding holds it)."""
    try:
        os.fsencode(path)
    except UnicodeError:
        return False
    return True


def _now(stored: dict[str, Any]) -> str | None:
    """The file's sha256 now (None when it is gone)."""
    path = Path(str(stored.get("path", "")))
    if not (path.is_file() or path.is_dir()):
        return None
    now = str(path_fingerprint(path)["sha256"])
    external = stored.get("external")
    if isinstance(external, list) and external and path.is_file():
        # (the model's folder only, as onnxruntime reads them: a store's list is not read
        # elsewhere; a name outside counts as gone)
        folder = os.path.realpath(path.parent)
        inside = [str(n) if _within(folder, str(n)) else "" for n in external]
        return _with_external(now, inside)[0]
    return now


def _within(folder: str, name: str) -> bool:
    """Whether the file ``name`` is in ``folder`` (a real path) or below it."""
    where = os.path.realpath(os.path.dirname(os.path.abspath(name)))
    try:
        return os.path.commonpath([folder, where]) == folder
    except ValueError:  # (another drive)
        return False


def check_fingerprints(
    fingerprints: dict[str, Any] | None,
    *,
    run_id: str,
    force: bool = False,
    finishing: bool = False,
) -> list[str]:
    """Raise ``UsageError`` when a file the run depends on changed since it was created
    (``finishing``: a run whose search ended, to be finished: ``core.finishing``).

    Returns notes for what ``force`` let through (a changed model).
    """
    notes: list[str] = []
    for what, stored in (fingerprints or {}).items():
        if what == LABEL_MAP_PRINT or not isinstance(stored, dict) or not stored.get("sha256"):
            continue
        now = _now(stored)
        if now == stored["sha256"]:
            continue
        path = stored.get("path")
        change = "is gone" if now is None else "changed"
        detail = (
            f"the {what} file {path} {change} since run {run_id} started "
            f"(sha256 {str(stored['sha256'])[:12]}..."
            + ("" if now is None else f", now {now[:12]}...")
            + ")"
        )
        # (a text run's classifiers are its models: ``--force`` lets a fixed one through
        # as it does a model, which the failed run's own advice says; before hostile50 it
        # was refused "the stored search state no longer fits it", --force or not)
        model = what == "model" or what.startswith("classifier ")
        noun = "model" if what == "model" else "classifier"
        if model and force and now is not None:
            notes.append(f"{detail}; continuing with the new {noun} (--force)")
            continue
        if finishing:
            raise UsageError(
                f"{detail}; its search ended, and what it still lacks must be asked of the "
                f"{noun if model else what} it searched: put the original file back and "
                "resume again, or run the command again (a new run)"
                + (f", or pass --force to finish it with the new {noun}" if model else ""),
                argument="RUN_ID",
            )
        if model:
            raise UsageError(
                f"{detail}; resuming would mix the findings of two {noun}s. Start a new run, "
                f"or pass --force to continue with the new {noun} anyway",
                argument="RUN_ID",
            )
        raise UsageError(
            f"{detail}; the stored search state no longer fits it. Start a new run "
            "(or put the original file back)",
            argument="RUN_ID",
        )
    return notes
