"""left28: ``assay runs`` reads what it prints, not every listed run whole.

Before, ``assay runs --limit 1000`` parsed every listed run's config, model, versions,
progress and summary (~0.6 MB of memory a run: 2.4 s and 397 MB for 600 runs) to print one
line each; the line needs the status, counts, seed, date and whether the run tested nothing
(a few keys of its summary: ``core.outcome.PASS_KEYS``, read by SQLite).
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.outcome import PASS_KEYS
from assay.core.store import RunStore

register()
runner = CliRunner()


def _store(path: Path, n: int, big: str) -> None:
    with RunStore(path, compaction="off") as store:
        for k in range(n):
            run_id = f"toy-{k:02d}"
            store.create_run(
                run_id=run_id, technique="toy", seed=k, command="x",
                config={"grammar": big}, model={}, versions={},
            )  # fmt: skip
            # run 0 tested nothing: the listing says so, from two keys of its summary
            summary = {"headline": big, "tested": 0 if k == 0 else 5, "stop_reason": "time"}
            store.checkpoint(run_id, status="completed", summary=summary)
            store._db.execute("UPDATE runs SET created=? WHERE id=?", (k, run_id))


def test_listing_runs_reads_no_run_whole(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    _store(path, 20, "x" * 1_000_000)
    warm = runner.invoke(app, ["runs", "--store", str(path), "--limit", "1"])  # (its imports)
    assert warm.exit_code == 0, warm.output
    tracemalloc.start()
    try:
        result = runner.invoke(app, ["runs", "--store", str(path), "--limit", "1000"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 20 and lines[0].startswith("toy-19")
    assert "NOTHING WAS TESTED" in lines[-1]  # toy-00
    assert not any("NOTHING" in line for line in lines[:-1])
    assert peak < 4_000_000, peak  # (every run whole: 40 MB of config and summary parsed)


def test_a_brief_record_holds_the_summary_keys_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    _store(path, 2, "y")
    with RunStore(path, read_only=True) as store:
        (record, _) = store.list_runs(brief=True, summary_keys=PASS_KEYS)
        assert record.summary == {"tested": 5, "stop_reason": "time"}
        assert record.config == {}
        one = store.get_run("toy-00", brief=True, summary_keys=["tested"])
        assert one.summary == {"tested": 0}
