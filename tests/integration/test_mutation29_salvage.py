"""mutation29: what ``assay salvage`` must still do after adddd7a (a run counting findings
with none of their witnesses is 'partly'), that the tests let a careless edit undo: a run
that kept fewer witnesses than it found (its --keep-findings) is whole; the partly line
says what was lost."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.salvage import salvage
from assay.core.store import RunStore

N = 500


def _store(path: Path, keeps: dict[str, int | None]) -> None:
    """One completed run per entry, each of N findings, keeping that many witnesses."""
    rng = np.random.default_rng(0)
    with RunStore(path, compaction="off") as store:
        for k, (run_id, keep) in enumerate(keeps.items()):
            store.create_run(
                run_id=run_id, technique="toy", seed=k, command="x", config={}, model={},
                versions={}, keep_findings=keep,
            )  # fmt: skip
            batch = FindingBatch(
                "idi", rng.random((N, 2, 4)), rng.integers(0, 2, (N, 2)), rng.random(N)
            )
            store.checkpoint(run_id, findings=[batch], status="completed")


def test_runs_that_kept_fewer_witnesses_than_they_found_come_through_whole(
    tmp_path: Path,
) -> None:
    """--keep-findings 5 and 0 keep fewer witnesses than the N found (the first and a sample
    of the cap, and the 64 most severe): both runs are whole in an undamaged store (a mutant
    calling every run with fewer witnesses than findings 'partly' made it exit 4)."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source, {"five": 5, "none": 0, "all": None})
    done = salvage(source, target)
    got = {r.id: (r.outcome, r.findings) for r in done.runs}
    assert got == {"five": ("whole", N), "none": ("whole", N), "all": ("whole", N)}, got
    kept = {r.id: r.kept for r in done.runs}
    assert 0 < kept["none"] < kept["five"] < kept["all"] == N, kept  # (the 64 most severe)
    assert done.complete


def test_the_partly_line_says_what_was_lost(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source, {"kept": None, "cut": None})
    with contextlib.closing(sqlite3.connect(source, isolation_level=None)) as db:
        db.execute("DELETE FROM findings WHERE run_id='cut'")  # as a lost table page leaves it
    with pytest.raises(SystemExit) as exit_info:
        main(["salvage", str(source), str(target)])
    out = capsys.readouterr().out
    assert exit_info.value.code == 4
    line = next(x for x in out.splitlines() if x.strip().startswith("partly cut"))
    assert f"{N:,} findings, 0 of their witnesses kept" in line
    assert line.endswith("lost: none of its findings' batches was found in the file"), line


def test_the_json_says_null_for_a_status_or_loss_it_does_not_have(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json: a whole run's "lost" is null (not ""), a lost run's "status" is null."""
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source, {"kept": None, "gone": None})
    with contextlib.closing(sqlite3.connect(source, isolation_level=None)) as db:
        db.execute("UPDATE runs SET config='{cut' WHERE id='gone'")
    with pytest.raises(SystemExit) as exit_info:
        main(["salvage", str(source), str(target), "--json"])
    assert exit_info.value.code == 4
    runs = {r["id"]: r for r in json.loads(capsys.readouterr().out)["runs"]}
    assert runs["kept"]["outcome"] == "whole" and runs["kept"]["lost"] is None
    assert runs["gone"]["outcome"] == "lost" and runs["gone"]["status"] is None
    assert runs["gone"]["lost"].startswith("its record does not read")
