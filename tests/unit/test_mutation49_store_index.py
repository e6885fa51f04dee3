"""mutation49: a store's index made unwritable under the process (``core.store_index``, ops48):
what counts as unwritable, and what the failure says to do."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.core.store_index import index_writable, lost_error, unwritable_beside


def _refusing(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def refuse(path: str, flags: int) -> int:
        raise OSError(code, os.strerror(code), path)

    monkeypatch.setattr(os, "access", lambda path, mode: False)
    monkeypatch.setattr(os, "open", refuse)


def test_only_an_immutable_or_read_only_index_is_unwritable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (SI2, SI3) EPERM (chattr +i) and EROFS: unwritable; EACCES (another user's): mapped
    # read-only from the start, never lost
    store = tmp_path / "runs.db"
    (tmp_path / "runs.db-shm").write_bytes(b"")
    for code, writable in ((errno.EPERM, False), (errno.EROFS, False), (errno.EACCES, True)):
        with monkeypatch.context() as m:
            _refusing(m, code)
            assert index_writable(store) is writable, errno.errorcode[code]


def test_no_index_beside_a_store_is_nothing_unwritable(tmp_path: Path) -> None:
    # (SI5) a store whose -shm and -wal are not there yet: nothing refused
    assert unwritable_beside(tmp_path / "runs.db") is None
    assert index_writable(tmp_path / "runs.db")


def test_the_failure_names_the_runs_resume_lines(tmp_path: Path) -> None:
    # (SI7) the runs it was running: each one's resume line, with the store
    said = str(lost_error(tmp_path / "runs.db", frozenset({"r-2", "r-1"})))
    where = os.path.abspath(tmp_path / "runs.db")
    assert f"assay resume r-1 --store {where} or assay resume r-2 --store {where}" in said
    assert f"chattr -i {tmp_path / 'runs.db'}-shm" in said
    assert str(lost_error(tmp_path / "runs.db")).endswith("then continue the run with assay resume")


@pytest.fixture
def _lost_cleared() -> Iterator[None]:
    from assay.core import store_index as si

    before = set(si._LOST)
    yield
    si._LOST.clear()
    si._LOST.update(before)


@pytest.mark.usefixtures("_lost_cleared")
def test_a_lost_store_is_never_read_for_a_runs_status(tmp_path: Path) -> None:
    # (STO13) a lock asking whether its run is running, its store lost to the process:
    # "running" (left as it is, stalled once the process ends), never read (SIGBUS)
    from assay.core.store import _running_in
    from assay.core.store_index import mark_lost

    where = tmp_path / "nothing-there.db"
    mark_lost(os.path.abspath(where))
    assert _running_in(str(where), "r-1") is True


@pytest.mark.usefixtures("_lost_cleared")
def test_the_merging_thread_stops_once_the_index_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (SET1) the background merge asks before each step: an index made unwritable marks
    # the store lost (every later statement refused), and the merge stops
    from types import SimpleNamespace

    from assay.core import setstate
    from assay.core.store_index import lost

    path = tmp_path / "runs.db"
    me = SimpleNamespace(path=str(path))
    assert setstate.Compactor._index_kept(me) is True  # type: ignore[arg-type]
    monkeypatch.setattr(setstate, "index_writable", lambda p: False)
    assert setstate.Compactor._index_kept(me) is False  # type: ignore[arg-type]
    assert lost(os.path.abspath(path))
