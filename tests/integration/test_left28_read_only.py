"""left28: read-only commands (``assay runs``, ``show``, ``report``) leave the store's folder
as they found it.

Before, their read-only SQLite connection (``mode=ro``) made an empty ``-wal`` and a 32 KB
``-shm`` beside a store in WAL mode and, being read-only, never removed them: a store in a CI
cache or a shared folder gained two files at each ``assay runs``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from hostile27b_models import by_sex, people
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import close_open_stores

register()
runner = CliRunner()


def _folder(path: Path) -> dict[str, str]:
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(path.iterdir())}


def test_read_only_commands_leave_the_folder_as_they_found_it(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    store = cache / "runs.db"
    run = assay.check_fairness(
        by_sex, data=people(), protected=["sex"], max_queries=500, seed=1, store=store
    )
    before = _folder(cache)
    assert list(before) == ["runs.db"]  # (the run's own connection removed its files)
    reports = tmp_path / "reports"
    reports.mkdir()
    for args in (
        ["runs", "--store", str(store)],
        ["runs", "--store", str(store), "--json"],
        ["show", run.run_id, "--store", str(store)],
        ["report", run.run_id, "--store", str(store), "--report", str(reports / "r.json")],
        ["report", run.run_id, "--store", str(store), "--html", str(reports / "r.html")],
    ):
        result = runner.invoke(app, args)
        close_open_stores()  # (as the command's process does when it ends: cli.app.main)
        assert result.exit_code in (0, 1), result.output
        assert _folder(cache) == before, args


def test_a_read_only_store_beside_a_live_writer_is_read_with_its_wal(tmp_path: Path) -> None:
    """The writer's files are there: read as before (``mode=ro``), its latest run seen, and
    its files left to it."""
    path = tmp_path / "runs.db"
    with assay.RunStore(path) as writer:
        writer.create_run(
            run_id="r1", technique="t", seed=1, command="c", config={}, model={}, versions={}
        )
        assert Path(f"{path}-wal").exists()
        with assay.RunStore(path, read_only=True) as reader:
            assert [r.id for r in reader.list_runs()] == ["r1"]
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
        writer.checkpoint("r1", status="completed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.db"]
