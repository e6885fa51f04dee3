"""Python files this account named as models: a stored run's ``file.py:name`` is imported
again only if it is one of them.

A run store may come from elsewhere (committed to a repository, downloaded, a CI cache
shared between branches) and names its model as it likes: ``assay resume RUN`` importing the
``.py`` file the store names would run code nobody named.  Every Python file assay imports as
a model (``models.callable``) is remembered here, by its resolved path, in a file
of this account's (``$XDG_STATE_HOME/assay/named-code``, else ``~/.local/state/assay/``;
folder 0700, file 0600), never in the store.  Resuming or verifying a run whose stored model
is a ``.py`` file this account never imported is refused unless the model is given again
(``--model``; ``--force`` on resume); a file changed since the run started is refused by the
run's own fingerprints (``core.integrity``) on resume, and verified as it is now (a fix).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from assay.errors import UsageError

__all__ = ["check_named", "check_run_named", "remember", "was_named"]

LARGEST = 4 << 20  # bytes: a record grown past this starts again (a resume then asks)


def _record() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "assay" / "named-code"


def _line(path: Path) -> str:
    return f"{path.resolve()}\n"


def remember(path: str | os.PathLike[str]) -> None:
    """Note that this account named ``path`` (a Python file) as a model.
    Best effort: a home that cannot be written leaves nothing (resumes then ask)."""
    try:
        line = _line(Path(path))
        record = _record()
        if "\n" in line[:-1] or line in _lines(record):
            return  # (a path holding a line break is asked for each time)
        record.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        if record.is_file() and record.stat().st_size > LARGEST:
            flags |= os.O_TRUNC
        fd = os.open(record, flags, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
    except (OSError, ValueError, RuntimeError):  # (RuntimeError: no home known)
        return


def _lines(record: Path) -> set[str]:
    try:
        with record.open(encoding="utf-8", errors="replace") as f:
            return {line if line.endswith("\n") else line + "\n" for line in f}
    except OSError:
        return set()


def was_named(path: str | os.PathLike[str]) -> bool:
    """Whether this account named the file ``path`` as a model."""
    try:
        return _line(Path(path)) in _lines(_record())
    except (OSError, ValueError, RuntimeError):
        return False


def _py_file(spec: Any) -> Path | None:
    """The Python file a ``file.py:name`` spec imports (None for anything else)."""
    if not isinstance(spec, str) or ":" not in spec:
        return None
    target = spec.rpartition(":")[0]
    if not target.endswith(".py"):
        return None
    return Path(target).expanduser()


def check_named(run_id: str, stored: list[Any], given: list[Any], *, verb: str) -> None:
    """Refuse (``UsageError``, argument ``--model``) when a stored spec that would be
    imported (not among ``given``, the specs named now) is a Python file this account never
    named.  ``verb``: ``resume`` or ``verify``, for the command shown."""
    for spec in stored:
        path = _py_file(spec)
        if path is None or spec in given or not path.is_file() or was_named(path):
            continue
        raise UsageError(
            f"run {run_id}'s model is Python code ({spec}) that assay never imported as a "
            "model on this account: a store from elsewhere (committed, "
            "downloaded, a shared cache) does not make assay run code; read it, and if it is "
            f"yours name it: assay {verb} {run_id} --model {spec}",
            argument="--model",
            path=str(path),
        )


def check_run_named(record: Any, model: Any, *, verb: str) -> None:
    """``check_named`` for a stored run (its ``invocation``'s ``model`` or ``models``) and
    the ``model`` given now (a spec, several: ``GivenAgain``, or the models themselves)."""
    inv = record.config.get("invocation") or {}
    stored = inv.get("models") if record.technique == "text" else [inv.get("model")]
    if not isinstance(stored, list):
        return
    if model is None:
        given: list[Any] = []
    elif isinstance(model, str):
        given = [model]
        if len(stored) == 1:
            return  # the run's one model, named now
    elif isinstance(model, tuple) and all(isinstance(m, str) for m in model):
        given = list(model)  # (GivenAgain: each in place of the stored spec it is)
    else:
        return  # the models themselves, in place of every stored one
    check_named(record.id, stored, given, verb=verb)
