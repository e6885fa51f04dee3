"""Files assay writes (reports, exports, filters, a retrained model): whole, and never
through a link planted at their path.

Each is written to a new file beside its path (made by assay, ``O_EXCL``: no link can be
planted at its name first) and renamed over the path once whole: a full disk leaves the old
file, never a cut one; a symbolic link at the path (``report.html -> ~/.bashrc``, committed
to a repository that a CI job runs ``assay ... --html report.html`` in) is replaced by the
report, its target left as it was; a hard link is broken, its other names keep the old
bytes.  The system's names (``--report /dev/stdout``, ``/dev/null``, ``/proc/self/fd/1``:
a path under ``/dev`` or ``/proc`` as given) and a pipe or a device node at the path itself
(``mkfifo out.pipe``) are written through, as they are: they are not files to replace
(``/dev/stdout`` is a link to the process's open stdout, a regular file under ``> out.json``:
replacing it took ``/dev/stdout`` from every program, as root).  A link elsewhere to a
device (``report.html -> /dev/sda``) is replaced like any link, never followed.  A file
replaced keeps its permission bits (a report the user made private, ``chmod 600``, was
rewritten readable by all, the umask's ``644``), and so does an earlier run's report removed
before the run (``remove_earlier``) when this process writes its path again.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "fresh_beside",
    "in_progress",
    "new_file",
    "remove_earlier",
    "write_whole",
    "written_through",
]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_FLAGS |= getattr(os, "O_CLOEXEC", 0)


_SYSTEM = ("/dev/", "/proc/")  # the system's names: a process's own streams, devices


def written_through(path: Path) -> bool:
    """Whether ``path`` is written as it is: a name of the system's (under ``/dev`` or
    ``/proc`` as given), or a pipe or a device node that is no link."""
    if os.path.abspath(path).startswith(_SYSTEM):
        return True
    if path.is_symlink():
        return False  # (a link elsewhere: replaced, whatever it points to)
    return path.exists() and not path.is_file() and not path.is_dir()


_OWN = re.compile(r"^/(?:dev/fd|proc/self/fd|proc/(\d+)/fd)/(\d+)$")
_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}


def _own_stream(path: Path) -> int | None:
    """The descriptor of this process that ``path`` names (``/dev/stdout``, ``/dev/fd/3``,
    ``/proc/self/fd/1``), or None: written through it, not reopened (a reopened
    ``/dev/stdout`` under ``> out.json`` starts at the file's beginning, and the command's
    own lines then overwrote the report)."""
    where = os.path.abspath(path)
    if where in _STREAMS:
        return _STREAMS[where]
    match = _OWN.match(where)
    if match is None or (match.group(1) is not None and int(match.group(1)) != os.getpid()):
        return None
    return int(match.group(2))


def fresh_beside(path: Path) -> tuple[Path, int]:
    """A new, empty file in ``path``'s folder (its name hidden and random, created by this
    call alone: never one planted there), and its descriptor open for writing."""
    folder = path.parent if str(path.parent) else Path(".")
    stem = path.name[:200]  # (a 255-byte name and the suffix: too long for the folder)
    for _ in range(100):
        candidate = folder / f".{stem}.{secrets.token_hex(4)}.tmp"
        try:
            return candidate, os.open(candidate, _FLAGS, 0o666)  # (the umask applies)
        except FileExistsError:
            continue
    raise FileExistsError(f"no new file name could be made beside {path}")


# the permission bits of earlier outputs removed by this process, by absolute path
_EARLIER_MODES: dict[str, int] = {}


def _file_mode(path: Path) -> int | None:
    """The permission bits of the regular file at ``path`` (not through a link), or None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return stat.S_IMODE(st.st_mode) & 0o777 if stat.S_ISREG(st.st_mode) else None


def remove_earlier(path: Path) -> None:
    """Remove an earlier output at ``path`` (``OSError`` is the caller's), remembering its
    permission bits for the file this process writes there next."""
    mode = _file_mode(path)
    os.remove(path)
    if mode is not None:
        _EARLIER_MODES[os.path.abspath(path)] = mode


def _kept_mode(path: Path) -> int | None:
    """The permission bits the new file at ``path`` takes: the file's it replaces, or the
    earlier output's removed there; None: the umask's."""
    earlier = _EARLIER_MODES.pop(os.path.abspath(path), None)
    mode = _file_mode(path)
    return earlier if mode is None else mode


@contextmanager
def new_file(
    path: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """An open file whose contents become ``path`` when the block ends without an error
    (renamed over it: a link at ``path`` is replaced, not followed); on an error the new
    file is removed and ``path`` is left as it was."""
    target = Path(path)
    binary = "b" in mode
    encoding, newline = (None, None) if binary else (encoding, newline)
    if written_through(target):
        own = _own_stream(target)
        if own is not None:  # (at the stream's own offset: after what it already holds)
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):
                    stream.flush()
            with os.fdopen(os.dup(own), mode, encoding=encoding, newline=newline) as through:
                yield through
            return
        with open(target, mode, encoding=encoding, newline=newline) as through:
            yield through
        return
    tmp, fd = fresh_beside(target)
    _WRITING.add(str(tmp))
    try:
        kept = _kept_mode(target)
        if kept is not None:
            os.fchmod(fd, kept)
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            fd = -1  # (the file object closes it from now on)
            yield fh
        os.replace(tmp, target)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    finally:
        _WRITING.discard(str(tmp))


# the new files being written now (their paths), not yet renamed over theirs: a process ended
# at once (``core.store_bus``: a SIGBUS, exit 4) removes them, never leaving a cut file behind
_WRITING: set[str] = set()


def in_progress() -> list[str]:
    """The new files being written now (``new_file``'s, before their rename)."""
    return list(_WRITING)


def write_whole(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all, as ``new_file``."""
    with new_file(path, "wb" if isinstance(data, bytes) else "w") as fh:
        fh.write(data)
