"""``assay salvage``: the runs of a damaged store that still read, copied into a new store
(every command refused the whole file: one overwritten page lost every run's findings)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shlex
import sys
from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.findings import FindingBatch
from assay.core.salvage import salvage
from assay.core.store import RunStore
from assay.errors import UsageError

N = 20_000


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, " ".join(err.split())


def _store(path: Path) -> dict[str, np.ndarray]:
    """Three completed runs of one batch each, and one stalled run with resume state."""
    rng = np.random.default_rng(0)
    values = {}
    with RunStore(path, compaction="off") as store:
        for k in range(3):
            run_id = f"toy-{k}"
            store.create_run(
                run_id=run_id, technique="toy", seed=k, command="x", config={"k": k}, model={},
                versions={},
            )  # fmt: skip
            batch = FindingBatch(
                "idi", rng.random((N, 2, 8)), rng.integers(0, 2, (N, 2)), rng.random(N)
            )
            values[run_id] = batch.inputs
            store.checkpoint(run_id, findings=[batch], status="completed")
    return values


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _witnesses(path: Path, run_id: str) -> np.ndarray:
    with RunStore(path, read_only=True) as store:
        return np.concatenate([b.inputs for b in store.iter_batches(run_id)])


def test_an_undamaged_store_comes_through_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    values = _store(source)
    code, out, _ = _cli(capsys, "salvage", str(source), str(target))
    assert code == 0, out
    assert out.count("  saved  toy-") == 3 and "saved 3 of 3 runs (60,000 findings)" in out
    for run_id, inputs in values.items():
        assert np.array_equal(_witnesses(target, run_id), inputs)


def test_overwritten_pages_lose_one_run_and_the_others_are_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    values = _store(source)
    size = source.stat().st_size
    with open(source, "r+b") as f:  # inside the middle run's findings
        f.seek((size // 2) // 4096 * 4096)
        f.write(np.random.default_rng(1).bytes(4096 * 3))  # (fixed garbage)
    before = _digest(source)
    code, out, _ = _cli(capsys, "salvage", str(source), str(target), "--json")
    assert code == 4  # not every run came through whole
    doc = json.loads(out)
    outcomes = {r["id"]: r["outcome"] for r in doc["runs"]}
    assert sorted(outcomes.values()) == ["partial", "whole", "whole"], outcomes
    assert _digest(source) == before  # the damaged file is never written
    for run_id, outcome in outcomes.items():
        if outcome == "whole":
            assert np.array_equal(_witnesses(target, run_id), values[run_id])
            code, _, _ = _cli(capsys, "report", run_id, "--json", "--store", str(target))
            assert code == 1  # (the run's verdict: it has findings)
            with RunStore(target, read_only=True) as store:
                assert store.get_run(run_id).n_findings == N
    damaged = next(r for r in doc["runs"] if r["outcome"] == "partial")
    code, _, err = _cli(capsys, "report", damaged["id"], "--json", "--store", str(source))
    assert code == 4 and f"assay salvage {shlex.quote(str(source))} " in err  # what to do
    assert "finding batch 0" in damaged["lost"] and damaged["witnesses_kept"] == 0
    with RunStore(target, read_only=True) as store:
        assert "salvaged from a damaged store" in str(store.get_run(damaged["id"]).error)


def test_a_store_cut_short_keeps_its_first_run(tmp_path: Path) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    values = _store(source)
    with open(source, "r+b") as f:
        f.truncate(source.stat().st_size // 2)
    said: list[str] = []
    done = salvage(source, target, say=lambda r: said.append(r.id))
    assert said == ["toy-0", "toy-1", "toy-2"]
    assert not done.complete
    assert np.array_equal(_witnesses(target, "toy-0"), values["toy-0"])
    assert {r.id for r in done.runs if r.kept == N} >= {"toy-0"}
    assert any(r.kept == 0 for r in done.runs)  # the runs past the cut: records, no findings


def test_an_existing_target_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    target.write_bytes(b"mine")
    code, _, err = _cli(capsys, "salvage", str(source), str(target))
    assert code == 2 and "exists" in err and str(target) in err
    assert target.read_bytes() == b"mine"


def test_an_interrupted_run_salvaged_whole_resumes_to_an_uninterrupted_runs_findings(
    tmp_path: Path,
) -> None:
    import assay
    from assay.core.run import RunInterrupted

    sys.path.insert(0, str(Path(__file__).parent))
    from test_lead26_ctrl_c_raises import _check, _CtrlCOnCall

    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    with pytest.raises(RunInterrupted) as stopped:
        _check(_CtrlCOnCall(at=8), source)
    run_id = stopped.value.run_id
    done = salvage(source, target)
    assert done.complete and [r.status for r in done.runs] == ["interrupted"]
    resumed = assay.resume_run(run_id, store=target, model=_CtrlCOnCall(at=10**9))
    whole = _check(_CtrlCOnCall(at=10**9), tmp_path / "whole.db")
    assert resumed.status == whole.status == "completed"
    assert resumed.n_findings == whole.n_findings > 0


def test_a_schema_1_store_without_tallies_comes_through_whole(tmp_path: Path) -> None:
    source, target = tmp_path / "old.db", tmp_path / "saved.db"
    rng = np.random.default_rng(1)
    batches = [
        FindingBatch("idi", rng.random((300, 2, 4)), rng.integers(0, 2, (300, 2)), rng.random(300))
        for _ in range(3)
    ]
    with RunStore(source, compaction="off") as store:
        store.create_run(
            run_id="old", technique="toy", seed=5, command="x", config={}, model={}, versions={}
        )
        db = store._db
        db.execute("DROP TABLE tallies")  # as a schema-1 store is made
        db.execute("UPDATE meta SET value='1' WHERE key='schema'")
        db.executemany(
            "INSERT INTO findings VALUES (?,?,?,?,?,?)",
            [
                ("old", i, b.kind, len(b), b.max_severity, b.to_bytes())
                for i, b in enumerate(batches)
            ],
        )
    done = salvage(source, target)
    assert done.complete and done.schema == 1
    assert [(r.outcome, r.findings, r.kept) for r in done.runs] == [("whole", 900, 900)]


def test_a_store_a_run_is_writing_is_not_copied(tmp_path: Path) -> None:
    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    with RunStore(source) as store:
        store.claim("toy-1")  # a process runs it now: the file may change under the copy
        with pytest.raises(UsageError, match="run toy-1 is running now"):
            salvage(source, target)
    assert not target.exists()


def test_a_database_of_something_else_is_not_salvaged(tmp_path: Path) -> None:
    import sqlite3

    from assay.errors import StoreError

    source = tmp_path / "people.db"
    with contextlib.closing(sqlite3.connect(source)) as db:
        db.execute("CREATE TABLE people (name TEXT)")
        db.commit()
    with pytest.raises(StoreError, match="not an assay run store"):
        salvage(source, tmp_path / "saved.db")
    assert not (tmp_path / "saved.db").exists()


def test_a_damaged_findings_index_loses_no_batch(tmp_path: Path) -> None:
    """The batches were listed and read through the findings' key index only: with its page
    overwritten every run came through "whole" with none of its witnesses (exit 0)."""
    import sqlite3

    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    values = _store(source)
    with contextlib.closing(sqlite3.connect(source)) as db:
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE name='sqlite_autoindex_findings_1'"
        ).fetchone()
    with open(source, "r+b") as f:
        f.seek((root - 1) * 4096)
        f.write(np.random.default_rng(2).bytes(4096))  # (fixed garbage)
    done = salvage(source, target)
    assert [(r.outcome, r.kept) for r in done.runs] == [("whole", N)] * 3
    for run_id, inputs in values.items():
        assert np.array_equal(_witnesses(target, run_id), inputs)


def test_a_run_whose_batches_are_all_missing_is_not_called_whole(tmp_path: Path) -> None:
    import sqlite3

    source, target = tmp_path / "runs.db", tmp_path / "saved.db"
    _store(source)
    with contextlib.closing(sqlite3.connect(source)) as db:
        db.execute("DELETE FROM findings WHERE run_id='toy-1'")  # as a lost table page leaves it
        db.commit()
    done = salvage(source, target)
    outcomes = {r.id: (r.outcome, r.findings, r.kept) for r in done.runs}
    assert outcomes["toy-1"] == ("partial", N, 0) and not done.complete
    assert outcomes["toy-0"] == outcomes["toy-2"] == ("whole", N, N)
