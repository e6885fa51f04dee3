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


def test_a_run_that_lost_some_of_its_batches_is_partly_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One of a run's two batches of findings gone (as a lost table page leaves it: neither
    the table nor its key's index lists it): the run was 'whole', exit 0, with half of its
    witnesses missing (adddd7a caught only a run that lost every batch).  Now it is partly
    saved, its record says what was lost, and an interrupted one loses its resume state."""
    from test_mutation28_salvage import _state_rows

    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    rng = np.random.default_rng(0)
    with RunStore(source, compaction="off") as store:
        for run_id, status in (
            ("ended", "completed"),
            ("cut", "interrupted"),
            ("kept", "completed"),
        ):
            store.create_run(
                run_id=run_id, technique="toy", seed=0, command="x", config={}, model={},
                versions={},
            )  # fmt: skip
            for k in range(2):
                batch = FindingBatch(
                    "idi", rng.random((N, 2, 4)), rng.integers(0, 2, (N, 2)), rng.random(N)
                )
                store.checkpoint(run_id, findings=[batch], status="running" if k == 0 else status)
    with contextlib.closing(sqlite3.connect(source, isolation_level=None)) as db:
        _state_rows(db, "cut")
        for run_id in ("ended", "cut"):
            db.execute(
                "DELETE FROM findings WHERE run_id=? AND seq=(SELECT MAX(seq) FROM findings "
                "WHERE run_id=?)",
                (run_id, run_id),
            )
    with pytest.raises(SystemExit) as exit_info:
        main(["salvage", str(source), str(target)])
    assert exit_info.value.code == 4
    out = capsys.readouterr().out
    lost = f"lost: {N:,} of the {2 * N:,} witnesses it kept were not found in the file"
    assert (
        f"partly ended (completed, {2 * N:,} findings, {N:,} of their witnesses kept); {lost}"
        in out
    )
    cut = next(x for x in out.splitlines() if x.strip().startswith("partly cut"))
    assert lost in cut and cut.endswith("(it cannot be resumed)"), cut
    assert f"saved  kept (completed, {2 * N:,} findings)" in out
    with RunStore(target, read_only=True) as saved:
        assert str(saved.get_run("ended").error).startswith(
            f"salvaged from a damaged store; {lost}"
        )
    with contextlib.closing(sqlite3.connect(target)) as db:
        assert db.execute("SELECT COUNT(*) FROM state WHERE run_id='cut'").fetchone() == (0,)
