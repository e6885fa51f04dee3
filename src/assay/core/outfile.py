"""Files assay writes (reports, exports, filters, a retrained model): whole, and never
through a link planted at their path.

Each is written to a new file beside its path (made by assay, ``O_EXCL``: no link can be
planted at its name first) and renamed over the path once whole: a full disk leaves the old
file, never a cut one; a symbolic link at the path (``report.html -> ~/.bashrc``, committed
to a repository that a CI job runs ``assay ... --html report.html`` in) is replaced by the
report, its target left as it was; a hard link is broken, its other names keep the old
bytes.  A device or a pipe (``--report /dev/stdout``, ``/dev/null``, or a link to one) is
written through, as it is: it is not a file to replace.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["fresh_beside", "new_file", "write_whole", "written_through"]

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
_FLAGS |= getattr(os, "O_CLOEXEC", 0)


def written_through(path: Path) -> bool:
    """Whether ``path`` is (or links to) a device or a pipe: written as it is."""
    return path.exists() and not path.is_file() and not path.is_dir()


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
        with open(target, mode, encoding=encoding, newline=newline) as through:
            yield through
        return
    tmp, fd = fresh_beside(target)
    try:
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


def write_whole(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all, as ``new_file``."""
    with new_file(path, "wb" if isinstance(data, bytes) else "w") as fh:
        fh.write(data)
