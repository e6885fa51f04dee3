"""mutation50: ``assay delete --dry-run`` and ``assay prune`` as a user reads them: a dry
run deletes nothing and its ``--json`` says what it would delete, not what it deleted;
``--status`` given with spaces after its commas is read; ``--older-than`` keeps the runs
younger than it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_retention import _cli, _run

from assay.core.store import RunStore


def _store(tmp_path: Path) -> Path:
    path = tmp_path / "runs.db"
    with RunStore(path) as store:
        for i, status in enumerate(["completed", "failed", "interrupted"]):
            _run(store, f"toy-{i}", status=status, n=5)
    return path


def _ids(path: Path) -> list[str]:
    with RunStore(path, read_only=True) as store:
        return sorted(r.id for r in store.list_runs())


def test_a_dry_run_of_delete_deletes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    code, out, _ = _cli(capsys, "delete", "toy-1", "--dry-run", "--store", str(path))
    assert code == 0 and "would delete 1 run (5 findings); 2 kept (--dry-run" in out, out
    assert _ids(path) == ["toy-0", "toy-1", "toy-2"]
    code, out, _ = _cli(capsys, "delete", "toy-1", "--dry-run", "--json", "--store", str(path))
    doc = json.loads(out)
    assert code == 0 and doc["dry_run"] and doc["would_delete"] == ["toy-1"], doc
    assert doc["deleted"] == [], doc
    assert _ids(path) == ["toy-0", "toy-1", "toy-2"]


def test_statuses_given_with_spaces_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    code, out, _ = _cli(capsys, "prune", "--status", "failed, interrupted", "--store", str(path))
    assert code == 0 and "deleted 2 runs (10 findings); 1 kept" in out, out
    assert _ids(path) == ["toy-0"]


def test_runs_younger_than_older_than_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _store(tmp_path)
    code, out, _ = _cli(capsys, "prune", "--older-than", "1d", "--store", str(path))
    assert code == 0 and "no run to delete" in out and "3 runs kept" in out, out
    assert _ids(path) == ["toy-0", "toy-1", "toy-2"]


def test_a_prune_that_cannot_give_the_space_back_now_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store made before incremental vacuum must be rewritten whole, which a run running
    in another process holds off: the runs are deleted and the note says when to prune."""
    import sqlite3

    from test_retention import held_elsewhere

    path = _store(tmp_path)
    db = sqlite3.connect(path, isolation_level=None)  # (a store made before incremental vacuum)
    db.execute("PRAGMA auto_vacuum=0")
    db.execute("VACUUM")
    db.close()
    with held_elsewhere(path, "toy-live"):
        code, out, err = _cli(capsys, "prune", "--status", "failed", "--store", str(path))
    assert code == 0 and "deleted 1 run (5 findings)" in out, (out, err)
    said = out + err
    assert "note: the space was not given back" in said, said
    assert "would hold off run toy-live (running now); prune again when no run" in said, said
