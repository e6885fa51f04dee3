"""One process at a time on a run: a lock per run, beside the run store.

A run is owned by the process that created it or resumes it, from then until it ends (or
the process ends): a second ``assay resume RUN`` (pasted from the first one's start line
while it still runs) is refused with the owner's process id and host, instead of running
the same search twice into one store.  The lock is an advisory ``flock`` on a small file
``<store>-locks/<run id>.lock``: the kernel releases it when its process dies, however it
dies (``kill -9`` included), so a lock never outlives its owner and there is nothing stale to
clean up.  The file names its owner (pid, host, since when) for the message; it is removed
when the lock is released.  A forked child (the text classifiers' worker) does not inherit
the lock.  Where the file system cannot lock (some network or FUSE file systems), the run
goes ahead unlocked, as before.  The lock file is never opened through a symbolic link
(a link planted at ``<store>-locks/<run id>.lock``, ``-> ~/.bashrc``, had its target
truncated and overwritten with the owner's line): a link there is removed and a file of
assay's own made in its place, and so is a link at the folder of locks; readers take a
link for no lock file.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from assay.core.lock_modes import lock_file_mode, share_like_store
from assay.core.paths import own_folder, run_file_name

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: runs go unlocked
    fcntl = None  # type: ignore[assignment]

# never through a link at the lock's path (``O_NOFOLLOW``); a reader never waits on a pipe
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW

__all__ = [
    "QUIET_SECONDS",
    "RunBusy",
    "RunLock",
    "abandoned",
    "foreign",
    "held_runs",
    "holder",
    "lock_path",
]

# a running run commits every 2 s: one with no checkpoint for this long, that no process
# is seen to hold, is taken to be stalled (its process gone, on whatever host)
QUIET_SECONDS = 60.0

_HELD: weakref.WeakSet[RunLock] = weakref.WeakSet()
# lock file -> the thread of this process running that run now (``RunLock.activate``): the
# lock is the process's, so two threads of one process (two requests of a web app resuming
# one run) are told apart here
_RUNNING: dict[Path, threading.Thread] = {}


class RunBusy(Exception):
    """The run is owned by another process (``owner``: who, as its lock file says)."""

    def __init__(self, run_id: str, owner: str) -> None:
        super().__init__(f"run {run_id} is being run by {owner}")
        self.run_id = run_id
        self.owner = owner


def lock_path(store: str | os.PathLike[str], run_id: str) -> Path:
    """The run's lock file (beside the store's real file: two paths to one store, through
    a symbolic link or another directory, share their locks)."""
    real = Path(os.path.realpath(store))
    return real.with_name(real.name + "-locks") / f"{run_file_name(run_id)}.lock"


def _boot() -> str:
    """This kernel's boot id (Linux), or '' where there is none: two machines that share a
    host name (containers built from one image on two hosts) are still told apart, as a lock
    file one of them left says which kernel's locks it was held under."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            return f.read().strip()[:36]
    except OSError:
        return ""


def _other_machine(parts: list[str]) -> bool:
    """A lock file's fields (pid, host, since[, boot]) name another machine than this one:
    another host name, or this host name under another kernel's boot."""
    if len(parts) < 2:
        return False
    if parts[1] != (socket.gethostname() or "?"):
        return True
    return len(parts) >= 4 and bool(_boot()) and parts[3] != _boot()


def _owner_text(raw: str) -> str:
    """``process 1234 on host h since 2026-12-02 19:25:24 UTC`` from a lock file's line."""
    parts = raw.split()
    if len(parts) < 3:
        return "another process"
    pid, host, since = parts[0], parts[1], parts[2]
    try:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(since)))
    except ValueError:
        when = since
    return f"process {pid} on host {host} since {when}"


class RunLock:
    """The lock of one run, held from ``acquire`` to ``release``, the lock object's end
    (garbage: a store dropped by an API session) or the process's end."""

    def __init__(
        self,
        store: str | os.PathLike[str],
        run_id: str,
        still_running: Callable[[], bool] | None = None,
    ) -> None:
        self.path = lock_path(store, run_id)
        self.run_id = run_id
        # whether the store says the run is running (``let_go``); it must not hold the store
        self.still_running = still_running
        self._fd: int | None = None
        self._closer: weakref.finalize[[int, Path, Callable[[], bool] | None], RunLock] | None = (
            None
        )

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock; raise ``RunBusy`` when another process holds it (a lock held by
        this very process, through another store object, is not in the way)."""
        if self._fd is not None or fcntl is None:
            return
        busy = 0
        for _ in range(20):  # (the file may be removed under us by its owner: try again)
            try:
                made = not self.path.parent.is_dir()
                own_folder(self.path.parent)
                share_like_store(self.path.parent, made)  # (a team's store: the team's locks)
                fresh = not self.path.exists()
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
                if fresh:  # (its bits as the store's, the umask left out; another's file kept)
                    with contextlib.suppress(OSError):
                        os.fchmod(fd, lock_file_mode(self.path.parent))
            except OSError:
                if self.path.is_symlink():  # planted: the link goes, its target stays
                    with contextlib.suppress(OSError):
                        os.remove(self.path)
                        continue
                return  # cannot make a lock here (read-only folder): unlocked, as before
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raw = _read(fd)
                os.close(fd)
                if raw.split()[:1] == [str(os.getpid())]:
                    runner = _RUNNING.get(self.path)
                    if runner not in (None, threading.current_thread()) and runner.is_alive():
                        raise RunBusy(
                            self.run_id, f"thread {runner.name!r} of this process ({os.getpid()})"
                        ) from None
                    return  # this process owns the run already (a store it left it in)
                busy += 1
                if busy < 3:  # (``holder`` looks for a moment: try again shortly)
                    time.sleep(0.05)
                    continue
                raise RunBusy(self.run_id, _owner_text(raw)) from None
            except OSError:
                os.close(fd)
                return  # the file system cannot lock: unlocked, as before
            try:
                same = os.fstat(fd).st_ino == os.lstat(self.path).st_ino
            except OSError:
                same = False
            if not same:  # released and removed between our open and our lock
                os.close(fd)
                continue
            line = f"{os.getpid()} {socket.gethostname() or '?'} {time.time():.0f} {_boot()}\n"
            os.ftruncate(fd, 0)
            os.pwrite(fd, line.encode(), 0)
            self._fd = fd
            # dropped without ``release`` (a store garbage-collected, the process's end):
            # let go all the same (a process killed outright leaves the file: ``abandoned``)
            self._closer = weakref.finalize(self, _dropped, fd, self.path, self.still_running)
            _HELD.add(self)
            return

    def activate(self) -> None:
        """This thread runs the run now (until ``deactivate`` or ``release``): another
        thread of the process that claims it is refused (``acquire``)."""
        _RUNNING[self.path] = threading.current_thread()

    def deactivate(self) -> None:
        """The run stopped (interrupted, failed): a thread may take it up again."""
        if _RUNNING.get(self.path) is threading.current_thread():
            del _RUNNING[self.path]

    def release(self, *, keep_file: bool = False) -> None:
        """Let go of the lock.  ``keep_file``: leave the lock file, held by nobody, as a
        process killed outright does (a run given up on without being stopped: its store
        failed), so that it reads as stalled at once (``abandoned``)."""
        fd, self._fd = self._fd, None
        _HELD.discard(self)
        if self._closer is not None:
            self._closer.detach()
        if fd is not None:
            _RUNNING.pop(self.path, None)
            if keep_file:
                _close(fd)
            else:
                _let_go(fd, self.path)

    def let_go(self) -> None:
        """Release the lock as this process stops holding the run, whatever state it left
        it in: a run the store still says is running (a resume refused after its claim: a
        URL to give again, a model file changed) is no one's now, so its file is left held
        by nobody (``release(keep_file=True)``), as a kill leaves it, and it reads as
        stalled, resumable, at once (the file removed, it read as running for a minute)."""
        self.release(keep_file=_asks(self.still_running))

    def _drop_in_child(self) -> None:
        """In a forked child: close the inherited descriptor (the parent keeps the lock)."""
        fd, self._fd = self._fd, None
        if self._closer is not None:
            self._closer.detach()
        if fd is not None:
            _close(fd)


def _let_go(fd: int, path: Path) -> None:
    """Remove the lock file (while still holding it: a newcomer that opened it retries),
    then let go of it; no empty folder is left."""
    with contextlib.suppress(OSError):
        if os.fstat(fd).st_ino == os.lstat(path).st_ino:
            os.remove(path)
    _close(fd)
    with contextlib.suppress(OSError):
        path.parent.rmdir()  # (only when it is empty: the store's last lock)


def _dropped(fd: int, path: Path, still_running: Callable[[], bool] | None) -> None:
    """A lock dropped unreleased (``RunLock.let_go``, from the garbage collector)."""
    if _asks(still_running):
        _RUNNING.pop(path, None)
        _close(fd)
    else:
        _let_go(fd, path)


def _asks(still_running: Callable[[], bool] | None) -> bool:
    if still_running is None:
        return False
    try:
        return bool(still_running())
    except Exception:  # (a store that cannot be read: as before, the file goes)
        return False


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _read(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode("utf-8", "replace")
    except OSError:
        return ""


def holder(store: str | os.PathLike[str], run_id: str) -> str | None:
    """Who holds the run's lock (``process N on host H since ...``), or None: nobody (the
    run is not running anywhere, whatever its stored status says), or it cannot be told."""
    held = _probe(store, run_id)
    return held if isinstance(held, str) else None


def held_runs(store: str | os.PathLike[str]) -> list[str]:
    """The runs of the store whose lock a process holds now (this one's included)."""
    try:
        folder = lock_path(store, "-").parent
        names = [] if folder.is_symlink() else sorted(p.stem for p in folder.glob("*.lock"))
    except OSError:
        return []
    return [n for n in names if isinstance(_probe(store, n), str)]


def abandoned(store: str | os.PathLike[str], run_id: str) -> bool:
    """Whether the run's lock file is there and nobody holds it: its process died without
    releasing it (``kill -9``, a crash, the machine's end)."""
    return _probe(store, run_id) is False


def foreign(store: str | os.PathLike[str], run_id: str) -> str | None:
    """The owner named by the run's lock file when it names another host than this one
    (``process N on host H since ...``), held or not as far as this host can tell; else None.
    Where two hosts share a store, a file system may keep each host's locks to itself: that
    process may be alive whatever ``flock`` says here."""
    if fcntl is None:
        return None
    try:
        path = lock_path(store, run_id)
        if path.parent.is_symlink():
            return None
        fd = os.open(path, _READ)
    except OSError:
        return None
    try:
        raw = _read(fd)
    finally:
        _close(fd)
    if _other_machine(raw.split()):
        return _owner_text(raw)
    return None


def _probe(store: str | os.PathLike[str], run_id: str) -> str | bool | None:
    """The holder's text; False: a lock file nobody holds, left by a process of this host;
    None: no lock file, or no telling (a file another host's process left: its lock may
    not be seen from here, ``foreign``)."""
    if fcntl is None:
        return None
    path = lock_path(store, run_id)
    if path.parent.is_symlink():  # (planted: not assay's folder of locks)
        return None
    try:
        fd = os.open(path, _READ)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        text = _owner_text(_read(fd))
        _close(fd)
        return text
    except OSError:
        _close(fd)
        return None
    parts = _read(fd).split()
    _close(fd)  # (also lets go of the shared lock)
    if _other_machine(parts):
        return None  # another machine's: not known to be dead (``foreign``)
    return False


def _after_fork_in_child() -> None:
    for lock in list(_HELD):
        lock._drop_in_child()
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
