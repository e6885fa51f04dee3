"""Deleting runs: ``assay delete`` / ``assay prune`` and ``core.retention``.

A store kept by a CI job between builds grew by every run, with no way to take a run out
but deleting the whole file (and with it every finding of every other run)."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core import retention
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.errors import UsageError

MARK = b"PLANTED-SECRET-BYTES-0123456789"

HOLDER = """
import sys, time
from assay.core.store import RunStore
store = RunStore(sys.argv[1])
store.create_run(run_id=sys.argv[2], technique="toy", seed=1, command="x", config={},
                 model={}, versions={})
store.checkpoint(sys.argv[2], status="running")
print("ready", flush=True)
time.sleep(600)
"""


@contextlib.contextmanager
def held_elsewhere(path: Path, run_id: str) -> Iterator[subprocess.Popen[str]]:
    """Another process running the run ``run_id`` in the store at ``path`` (``HOLDER``),
    ready, for the block's length; killed after it."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), run_id], env=env,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        proc.kill()
        proc.communicate()


def _run(store: RunStore, run_id: str, *, status: str = "completed", n: int = 50) -> None:
    store.create_run(
        run_id=run_id, technique="toy", seed=1, command=f"assay toy {MARK.decode()}",
        config={"note": MARK.decode() + run_id}, model={}, versions={},
    )  # fmt: skip
    rng = np.random.default_rng(len(run_id))
    batch = FindingBatch(
        "idi",
        rng.integers(0, 9, (n, 2, 3)),
        rng.integers(0, 2, (n, 2)),
        rng.random(n),
        details={"who": MARK.decode() + run_id},
    )
    store.checkpoint(run_id, findings=[batch], status="running")
    store.checkpoint(run_id, status=status)


def _ids(store: RunStore) -> list[str]:
    return [r.id for r in store.list_runs(limit=-1)]


def test_deleted_runs_leave_nothing_behind_and_the_others_stay_whole(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    store = RunStore(path)
    for i in range(3):
        _run(store, f"toy-{i}", n=2_000)
    before = [b.inputs.copy() for b in store.iter_batches("toy-1")]
    size = path.stat().st_size
    done = retention.delete(store, retention.named(store, ["toy-0", "toy-2"]))
    assert [r.id for r in done.runs] == ["toy-0", "toy-2"] and done.kept == 1
    assert _ids(store) == ["toy-1"]
    after = [b.inputs for b in store.iter_batches("toy-1")]
    assert len(after) == len(before) and all(
        np.array_equal(a, b) for a, b in zip(after, before, strict=True)
    )
    assert store.count_findings("toy-1") == 2_000
    store.close()
    assert path.stat().st_size < size  # the space is given back
    raw = path.read_bytes()
    assert b"toy-0" not in raw and b"toy-2" not in raw  # nothing of them in the file
    assert MARK + b"toy-1" in raw


def test_a_store_made_before_incremental_vacuum_is_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    # an older assay's store: its first table made before auto_vacuum was set (a database
    # of something else is refused: tests/unit/test_engine_hostile15c.py)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.commit()
    db.close()
    store = RunStore(path)
    assert store._db.execute("PRAGMA auto_vacuum").fetchone()[0] == 0
    _run(store, "toy-a", n=20_000)
    _run(store, "toy-b", n=10)
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    size = path.stat().st_size
    store.delete_runs(["toy-a"])
    store.close()
    assert path.stat().st_size < size / 2
    assert b"toy-a" not in path.read_bytes()


def test_a_run_another_process_runs_is_never_deleted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "runs.db"
    store = RunStore(path)
    _run(store, "toy-done")
    with held_elsewhere(path, "toy-live") as proc:
        # named with another run: refused whole, nothing deleted
        with pytest.raises(
            UsageError, match=f"toy-live is not deleted: it is being run by process {proc.pid}"
        ):
            retention.named(store, ["toy-done", "toy-live"])
        with pytest.raises(UsageError, match="being run by"):
            store.delete_runs(["toy-done", "toy-live"])
        assert sorted(_ids(store)) == ["toy-done", "toy-live"]
        # a policy selecting every run skips it, saying why
        chosen = retention.select(store, retention.Policy(keep_last=0))
        assert [r.id for r in chosen.runs] == ["toy-done"]
        assert [(r.id, why.split(" by ")[0]) for r, why in chosen.skipped] == [
            ("toy-live", "it is being run")
        ]
        retention.delete(store, chosen)
        assert _ids(store) == ["toy-live"]
    # its process killed: stalled, chosen only when asked for by status (a policy of rank or
    # age alone deleted it: a resumable run)
    assert retention.select(store, retention.Policy(statuses=("failed",))).runs == []
    kept = retention.select(store, retention.Policy(keep_last=0, older_than=0))
    assert kept.runs == [] and [(r.id, why[:26]) for r, why in kept.skipped] == [
        ("toy-live", "its process died (stalled)")
    ]
    code, out, _ = _cli(capsys, "prune", "--keep-last", "0", "--store", str(path))
    assert code == 0 and "kept toy-live: its process died (stalled)" in out, out
    code, out, _ = _cli(capsys, "prune", "--status", "stalled", "--dry-run", "--store", str(path))
    assert code == 0 and out.split()[:2] == ["toy-live", "stalled"], out  # as `assay runs` says
    store = RunStore(path)  # (the command closed every store of the process as it exited)
    chosen = retention.select(store, retention.Policy(statuses=("stalled",)))
    assert [r.id for r in chosen.runs] == ["toy-live"]
    retention.delete(store, chosen)
    assert _ids(store) == []


def test_a_policy_selects_by_rank_age_and_status_all_at_once(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    statuses = ["completed", "failed", "interrupted", "failed", "completed", "failed"]
    for i, status in enumerate(statuses):
        _run(store, f"toy-{i}", status=status, n=5)
        store._db.execute(
            "UPDATE runs SET created=? WHERE id=?", (1_000.0 + i * 86_400, f"toy-{i}")
        )
    now = 1_000.0 + 6 * 86_400  # toy-0 is 6 days old, toy-5 one day

    def chosen(**kw: object) -> list[str]:
        return [r.id for r in retention.select(store, retention.Policy(**kw), now=now).runs]  # type: ignore[arg-type]

    assert chosen(keep_last=4) == ["toy-1", "toy-0"]
    assert chosen(older_than=retention.parse_age("3d") + 1) == ["toy-2", "toy-1", "toy-0"]
    assert chosen(statuses=("failed",)) == ["toy-5", "toy-3", "toy-1"]
    assert chosen(keep_last=2, statuses=("failed", "interrupted")) == ["toy-3", "toy-2", "toy-1"]
    assert chosen(keep_last=1, older_than=4 * 86_400.0, statuses=("failed",)) == ["toy-1"]
    assert chosen(keep_last=99) == []
    assert retention.parse_age("90m") == 5_400 and retention.parse_age("1.5 h") == 5_400
    for bad in ("3", "3x", "-2d", "d"):
        with pytest.raises(UsageError, match="--older-than"):
            retention.parse_age(bad)
    with pytest.raises(UsageError, match="say which runs to prune"):
        retention.Policy()
    with pytest.raises(UsageError, match="never pruned"):
        retention.Policy(statuses=("running",))
    with pytest.raises(UsageError, match="no status 'faild'"):
        retention.Policy(statuses=("faild",))


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_the_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "runs.db"
    store = RunStore(path)
    for i, status in enumerate(["completed", "failed", "failed"]):
        _run(store, f"toy-{i}", status=status, n=20)
        time.sleep(0.01)
    store.close()
    s = ("--store", str(path))
    code, out, err = _cli(capsys, "prune", *s)
    assert code == 2 and "say which runs to prune" in err
    code, out, _ = _cli(capsys, "prune", "--status", "failed", "--dry-run", *s)
    assert code == 0 and "would delete 2 runs (40 findings); 1 kept" in out
    code, out, _ = _cli(capsys, "delete", "toy-9", *s)
    assert code == 2
    code, out, _ = _cli(capsys, "delete", "toy-0", *s)
    assert code == 0 and "deleted 1 run (20 findings); 2 kept" in out
    code, _, err = _cli(capsys, "prune", "--keep-last", "0", "--store", str(tmp_path / "nope.db"))
    assert code == 2 and "no run store" in err
    code, out, _ = _cli(capsys, "prune", "--status", "failed", "--json", *s)
    assert code == 0
    doc = json.loads(out)
    assert doc["deleted"] == ["toy-2", "toy-1"] and doc["kept"] == 0 and not doc["dry_run"]


def test_the_api(tmp_path: Path) -> None:
    import assay

    path = tmp_path / "runs.db"
    store = RunStore(path)
    for i in range(4):
        _run(store, f"toy-{i}", status="failed" if i % 2 else "completed", n=5)
    store.close()
    dry = assay.prune_runs(status="failed", older_than="0s", store=path, dry_run=True)
    assert dry.dry_run and sorted(r.id for r in dry.runs) == ["toy-1", "toy-3"]
    done = assay.prune_runs(status=["failed"], store=path)
    assert not done.dry_run and done.findings == 10 and done.kept == 2
    with pytest.raises(UsageError, match="argument older_than"):
        assay.prune_runs(older_than="soon", store=path)
    done = assay.delete_runs(["toy-0"], store=path)
    assert [r.id for r in done.runs] == ["toy-0"] and done.bytes_after <= done.bytes_before
    assert [r.id for r in RunStore(path).list_runs()] == ["toy-2"]
