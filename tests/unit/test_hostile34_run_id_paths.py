"""A run id read from a store names no path outside the store's folders (hostile34: a store
committed to a repository with a run id ``../../poetry`` made ``assay resume ../../poetry``
truncate the repository's ``poetry.lock`` with the lock owner's line, then delete it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.paths import run_file_name
from assay.core.runlock import RunLock, lock_path

HOSTILE = ["../../poetry", "/etc/passwd", "..", ".", "", "a/../../b", "a\\..\\b", "x\x00y"]


@pytest.mark.parametrize("run_id", HOSTILE)
def test_a_hostile_run_id_names_a_file_inside_the_locks_folder(tmp_path: Path, run_id: str) -> None:
    store = tmp_path / "repo" / ".assay" / "runs.db"
    path = lock_path(store, run_id)
    assert path.parent == tmp_path / "repo" / ".assay" / "runs.db-locks"
    assert "/" not in path.name and ".." not in path.name and "\x00" not in path.name


def test_assay_ids_keep_their_names() -> None:
    for run_id in ("fairness-20261205-114628-3fbf", "text-20261205-114817-0fd2", "my_run.2"):
        assert run_file_name(run_id) == run_id
    assert run_file_name("../a") != run_file_name("../b")


def test_a_lock_of_a_hostile_id_leaves_the_repository_alone(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".assay").mkdir(parents=True)
    store = repo / ".assay" / "runs.db"
    store.write_bytes(b"")
    kept = repo / "poetry.lock"
    kept.write_text("locked dependencies\n")
    lock = RunLock(store, "../../poetry")
    lock.acquire()
    assert lock.held
    lock.release()
    assert kept.read_text() == "locked dependencies\n"
