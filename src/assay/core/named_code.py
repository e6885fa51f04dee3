"""The model code this account named: a stored run's ``file.py:name`` or
``package.module:name`` is imported again only if it is among it (or given again).

A run store may come from elsewhere (committed to a repository, downloaded, a CI cache
shared between branches) and names its model as it likes: ``assay resume RUN`` importing the
``.py`` file the store names would run code nobody named, and so would a module spec
(``evil:predict``: ``python -m assay`` puts the working folder on ``sys.path``, so an
``evil.py`` of the repository is imported; ``subprocess:getoutput`` calls a shell).  Every
Python file assay imports as a model (``models.callable``) is remembered here by its
resolved path, and every module spec by the spec and the file it was imported from, in a
file of this account's (``$XDG_STATE_HOME/assay/named-code``, else
``~/.local/state/assay/``; folder 0700, file 0600), never in the store.  Resuming or
verifying a run whose stored model is code this account never named is refused unless the
model is given again (``--model``); ``--force`` on resume does not let it through (it
accepts a changed model, not code never named).  A file changed since the run started is
refused by the run's own fingerprints (``core.integrity``) on resume, and verified as it is
now (a fix).  ``assay code`` lists the record and forgets entries; entries whose file is
gone are dropped whenever the record is written.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from assay.errors import UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the record is written unlocked
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "Entry",
    "check_named",
    "check_run_named",
    "entries",
    "forget",
    "record_path",
    "remember",
    "remember_module",
    "unnamed",
    "was_named",
]

LARGEST = 4 << 20  # bytes: a record grown past this keeps its newest entries only
_MODULE = "module\t"  # a module spec's line: ``module<TAB>spec<TAB>origin``
_LOCK = ".named-code.lock"  # beside the record: one writer of the record at a time


def record_path() -> Path:
    """Where this account's record is (``$XDG_STATE_HOME/assay/named-code``, else
    ``~/.local/state/assay/named-code``); ``RuntimeError`` when no home is known."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "assay" / "named-code"


class Entry:
    """One line of the record: a Python file (``spec`` None) or a module spec and the file
    (or ``built-in``, ``frozen``) it was imported from."""

    def __init__(self, line: str) -> None:
        self.line = line if line.endswith("\n") else line + "\n"
        body = self.line[:-1]
        if body.startswith(_MODULE):
            self.spec: str | None
            self.spec, _, self.origin = body[len(_MODULE) :].partition("\t")
        else:
            self.spec, self.origin = None, body

    @property
    def shown(self) -> str:
        return self.origin if self.spec is None else f"{self.spec} ({self.origin})"

    def exists(self) -> bool:
        """Whether its file is still there (a built-in or frozen module always is)."""
        if not os.path.isabs(self.origin):
            return self.spec is not None
        try:
            return os.path.isfile(self.origin)
        except (OSError, ValueError):
            return False

    def matches(self, name: str) -> bool:
        """Whether ``name`` (a path, or a module spec) names this entry."""
        if self.spec is not None and name == self.spec:
            return True
        try:
            return str(Path(name).expanduser().resolve()) == self.origin
        except (OSError, ValueError, RuntimeError):
            return name == self.origin


def _path_line(path: Path) -> str:
    return f"{path.resolve()}\n"


def _module_line(spec: str, origin: str) -> str:
    return f"{_MODULE}{spec}\t{origin}\n"


def _read(record: Path) -> list[str]:
    try:
        with record.open(encoding="utf-8", errors="replace") as f:
            lines = [line if line.endswith("\n") else line + "\n" for line in f]
    except OSError:
        return []
    return list(dict.fromkeys(line for line in lines if line.strip()))


def _write(record: Path, lines: Iterable[str]) -> None:
    """The record made of ``lines`` (in place of what it held: a file beside it renamed
    over it, 0600; a link at the record is replaced, its target left)."""
    record.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=record.parent, prefix=".named-code-")  # (0600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(lines)
        os.replace(name, record)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _locked(record: Path) -> Iterator[None]:
    """Hold this account's lock on the record while it is read and written again, so that
    two processes (one appending, one dropping a gone entry) never lose each other's line.
    An advisory ``flock`` on a file beside the record (never opened through a link), freed
    by the kernel however its process ends; where it cannot be taken the record is written
    unlocked, as before."""
    fd = -1
    if fcntl is not None:
        try:
            record.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
            fd = os.open(record.parent / _LOCK, flags, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:
            if fd >= 0:
                os.close(fd)
            fd = -1
    try:
        yield
    finally:
        if fd >= 0:
            os.close(fd)  # (closing frees the lock)


def _add(line: str) -> None:
    """Note ``line`` in the record; entries whose file is gone are dropped, and past
    ``LARGEST`` the oldest.  Best effort: a home that cannot be written leaves nothing
    (resumes then ask)."""
    if "\n" in line[:-1]:
        return  # (a path holding a line break is asked for each time)
    record: Path | None = None
    try:
        record = record_path()
        with _locked(record):
            _added(record, line)
    except (OSError, ValueError, RuntimeError) as exc:  # (RuntimeError: no home known)
        _unrecorded(Entry(line), record, exc)


def _unrecorded(entry: Entry, record: Path | None, exc: BaseException) -> None:
    """Say that ``entry`` could not be noted (a read-only or full home, no home: a CI
    runner's): the run's resume lines give its model again (``unnamed``), which a resume
    would otherwise refuse as code this account never named (hostile53b)."""
    from assay.core.notices import warn

    reason = getattr(exc, "strerror", None) or exc
    where = f"{record}" if record is not None else "the account's state folder"
    warn(
        f"could not note {entry.shown} as model code this account named ({where}: {reason}): "
        "`assay resume` and `assay verify` of this run name it again with --model, as the "
        "resume lines printed here do"
    )


def _added(record: Path, line: str) -> None:
    """``line`` appended to ``record`` (or the record written again without its gone or
    oldest entries); the caller holds the record's lock."""
    lines = _read(record)
    if line in lines:
        return
    kept = [x for x in lines if Entry(x).exists()]
    size = sum(len(x.encode()) for x in kept) + len(line.encode())
    while kept and size > LARGEST:
        size -= len(kept.pop(0).encode())
    if kept == lines:  # (nothing to drop: one line appended)
        record.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(record, flags, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)
    else:
        _write(record, [*kept, line])


def remember(path: str | os.PathLike[str]) -> None:
    """Note that this account named ``path`` (a Python file) as a model."""
    try:
        line = _path_line(Path(path))
    except (OSError, ValueError, RuntimeError):
        return
    _add(line)


def remember_module(spec: str, module: Any) -> None:
    """Note that this account named ``spec`` (``package.module:name``), imported as
    ``module``, as a model."""
    origin = _origin_of(getattr(module, "__spec__", None))
    if origin is not None and "\t" not in spec + origin:
        _add(_module_line(spec, origin))


def _origin_of(found: Any) -> str | None:
    """A module spec's origin as the record keeps it: the resolved file, or ``built-in``,
    ``frozen`` (None: none known, as for a namespace package)."""
    origin = getattr(found, "origin", None)
    if not isinstance(origin, str) or not origin:
        return None
    if os.path.isabs(origin):
        try:
            return str(Path(origin).resolve())
        except (OSError, RuntimeError):
            return origin
    return origin


def module_origin(target: str) -> str | None:
    """The file ``importlib.import_module(target)`` would import, found without running any
    of it (a package's ``__init__`` included: each level is looked up by the import
    system's finders in the folders of the level above); None when it cannot be told."""
    parts = target.split(".")
    path: list[str] | None = None
    found: Any = None
    for i in range(len(parts)):
        name = ".".join(parts[: i + 1])
        loaded = sys.modules.get(name)
        try:
            found = getattr(loaded, "__spec__", None) if loaded is not None else _find(name, path)
        except Exception:  # (a finder's own failure: not told)
            return None
        if found is None:
            return None
        if i < len(parts) - 1:
            locations = getattr(loaded, "__path__", None) or found.submodule_search_locations
            if not locations:
                return None
            path = list(locations)
    return _origin_of(found)


def _find(name: str, path: list[str] | None) -> Any:
    for finder in sys.meta_path:
        find = getattr(finder, "find_spec", None)
        if find is not None:
            found = find(name, path)
            if found is not None:
                return found
    return None


def entries() -> list[Entry]:
    """The record's entries, oldest first (those whose file is gone included)."""
    try:
        return [Entry(line) for line in _read(record_path())]
    except RuntimeError:
        return []


def forget(names: Iterable[str] | None = None, *, gone: bool = True) -> list[Entry]:
    """Take out of the record the entries ``names`` name (a path or a module spec; None:
    every entry), and with ``gone`` those whose file is gone; the entries taken out."""
    wanted = None if names is None else list(names)
    try:
        record = record_path()
    except RuntimeError:
        return []
    with _locked(record):
        lines = _read(record)
        dropped = [
            e
            for e in map(Entry, lines)
            if wanted is None or any(e.matches(n) for n in wanted) or (gone and not e.exists())
        ]
        if dropped:
            out = {e.line for e in dropped}
            _write(record, [x for x in lines if x not in out])
    return dropped


def _noted(line: str) -> bool:
    try:
        return line in _read(record_path())
    except RuntimeError:
        return False


def was_named(path: str | os.PathLike[str]) -> bool:
    """Whether this account named the file ``path`` as a model."""
    try:
        return _noted(_path_line(Path(path)))
    except (OSError, ValueError, RuntimeError):
        return False


def unnamed(config: Mapping[str, Any] | None) -> list[str]:
    """The model specs a run's ``config`` stores (its ``invocation``'s ``models``, else its
    ``model``) that are Python code this account's record does not hold, in order: a resume
    or verify is refused unless each is given again (``--model``), so a printed resume line
    gives them (``run_commands.resume_command``)."""
    inv = (config or {}).get("invocation")
    if not isinstance(inv, Mapping):
        return []
    models = inv.get("models")
    stored = models if isinstance(models, list) else [inv.get("model")]
    out: list[str] = []
    for spec in stored:
        code = _stored_code(spec)
        if code is not None and (code[1] is None or not _noted(code[1])):
            out.append(str(spec))
    return out


def _stored_code(spec: Any) -> tuple[str | None, str | None] | None:
    """What a stored spec would import: ``(file, line)`` (``file``: the file imported, when
    known; ``line``: the record's line that admits it, None when nothing can: a module not
    found), or None for anything that is not
    Python code (a pickle, ONNX, a URL) or a file that is not there (its import fails)."""
    if not isinstance(spec, str) or ":" not in spec or spec.startswith("builtin:"):
        return None  # (``builtin:vader``: assay's own models)
    target, _, name = spec.rpartition(":")
    if target.endswith(".py"):
        path = Path(target).expanduser()
        if not path.is_file():
            return None
        try:
            return str(path), _path_line(path)
        except (OSError, RuntimeError):
            return str(path), None
    dotted = target.split(".") + name.split(".")
    if not target or not name or not all(p.isidentifier() for p in dotted):
        return None
    origin = module_origin(target)
    if origin is None or "\t" in origin:
        return None, None
    return origin if os.path.isabs(origin) else None, _module_line(spec, origin)


def check_named(
    run_id: str,
    stored: list[Any],
    given: list[Any],
    *,
    verb: str,
    force: bool = False,
    config: dict[str, Any] | None = None,
    store: str | os.PathLike[str] | None = None,
) -> None:
    """Refuse (``UsageError``, argument ``--model``) when a stored spec that would be
    imported (not among ``given``, the specs named now) is Python code this account never
    named.  ``verb``: ``resume`` or ``verify``, for the command shown; ``force``: resume's
    ``--force`` was given (said not to admit it); ``config``: the run's (the command shown
    sets the ``PYTHONPATH`` its model was imported through, ``runinfo.imported_so``);
    ``store``: the run's store, named by the command shown unless it is the default."""
    from assay.core.runinfo import imported_so
    from assay.core.store import is_default_store
    from assay.core.terminal import shell_join

    where = (
        ["--store", str(Path(store).absolute())]
        if store is not None and not is_default_store(store)
        else []
    )
    for spec in stored:
        code = _stored_code(spec)
        if code is None or spec in given or (code[1] is not None and _noted(code[1])):
            continue
        forced = (
            " (--force lets a changed model through, never code this account did not name)"
            if force
            else ""
        )
        raise UsageError(
            f"run {run_id}'s model is Python code ({spec}) that assay never imported as a "
            f"model on this account{_unkept()}: a store from elsewhere (committed, "
            "downloaded, a shared cache) does not make assay run code; read it, and if it is "
            "yours name it: "
            + imported_so(config, shell_join(["assay", verb, run_id, *where, "--model", spec]))
            + f"{forced}",
            argument="--model",
            path=code[0],
        )


def _unkept() -> str:
    """`` (or could not note ...)`` when this account's record cannot be written (a runner's
    read-only home, a state folder under a file): its own runs' code was never noted either
    (hostile53b); "" otherwise."""
    try:
        folder = record_path().parent
    except RuntimeError:
        return " (or could not note it: no home folder is known)"
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.is_dir() and os.access(folder, os.W_OK):
        return ""
    return f" (or could not note it: {folder} cannot be written)"


def check_run_named(
    record: Any,
    model: Any,
    *,
    verb: str,
    force: bool = False,
    store: str | os.PathLike[str] | None = None,
) -> None:
    """``check_named`` for a stored run (its ``invocation``'s ``model`` or ``models``) and
    the ``model`` given now (a spec, several: ``GivenAgain``, or the models themselves);
    ``store``: the store it was read from."""
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
    check_named(record.id, stored, given, verb=verb, force=force, config=record.config, store=store)
