"""A byte flipped inside a stored row (SQLite keeps no checksum of a row's content) is the
store's damage, said as such (exit 4, the run named, the salvage line), not "internal error
(a bug in assay)" (exit 5): store53 flipped one byte at 30 random offsets of a store of 8
runs and 12 of them ended `assay runs --json`, `report` or `verify` on a JSONDecodeError,
"data type '<im' not understood" or "buffer size must be a multiple of element size"."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.store import RunStore
from assay.errors import StoreError


def _store(path: Path) -> None:
    rng = np.random.default_rng(1)
    batch = FindingBatch(
        "idi", rng.integers(0, 9, (40, 2, 3)), rng.integers(0, 2, (40, 2)), rng.random(40)
    )
    with RunStore(path, compaction="off") as store:
        for run_id in ("toy-a", "toy-b"):
            store.create_run(
                run_id=run_id, technique="toy", seed=1, command="x", config={"k": 1},
                model={}, versions={},
            )  # fmt: skip
            store.checkpoint(run_id, findings=[batch], snapshot=Snapshot(values={"at": 1}))


def _flip(path: Path, sql: str) -> None:
    db = sqlite3.connect(path)
    with db:
        db.execute(sql)
    db.close()


def _flipped_blob(path: Path) -> None:
    db = sqlite3.connect(path)
    (data,) = db.execute("SELECT data FROM findings WHERE run_id='toy-a'").fetchone()
    raw = bytearray(data)
    at = bytes(raw).index(b'"dtype"') + 12  # inside the first dtype's name: '<i8' -> '<im'
    raw[at] ^= 0x55
    with db:
        db.execute("UPDATE findings SET data=? WHERE run_id='toy-a'", (bytes(raw),))
    db.close()


@pytest.mark.parametrize(
    ("damage", "read"),
    [
        ("UPDATE runs SET summary='{\"a\": 1,,}' WHERE id='toy-a'", "get_run"),
        ("UPDATE runs SET progress='{\"q\": 1' WHERE id='toy-a'", "get_run"),
        ("UPDATE tallies SET data='{\"kinds\": x}' WHERE run_id='toy-a'", "get_run"),
        ("UPDATE state SET data=X'00ff00ff' WHERE run_id='toy-a'", "load_snapshot"),
        ("blob", "iter_batches"),
    ],
)
def test_a_row_that_no_longer_parses_is_the_stores_damage_naming_the_run(
    tmp_path: Path, damage: str, read: str
) -> None:
    path = tmp_path / "runs.db"
    _store(path)
    if damage == "blob":
        _flipped_blob(path)
    else:
        _flip(path, damage)
    with RunStore(path, read_only=True) as store:
        with pytest.raises(StoreError) as err:
            if read == "iter_batches":
                list(store.iter_batches("toy-a"))
            else:
                getattr(store, read)("toy-a")
        said = str(err.value)
        assert "run toy-a's" in said and "does not read" in said
        assert "assay salvage" in said
        # the other run reads as it was
        assert store.get_run("toy-b").n_findings == 40
        assert sum(len(b) for b in store.iter_batches("toy-b")) == 40


def _cli(argv: list[str]) -> tuple[int, str]:
    from assay.cli.app import main

    err = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, err.getvalue()


def test_a_command_on_a_damaged_row_exits_4_not_as_a_bug(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    _store(path)
    _flip(path, "UPDATE runs SET summary='{\"a\": 1,,}' WHERE id='toy-a'")
    code, said = _cli(["show", "toy-a", "--store", str(path)])
    assert code == 4, said
    assert "internal error" not in said and "run toy-a's record does not read" in said
    assert "assay salvage" in said


def _listing(tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    from assay.cli.app import main

    path = tmp_path / "runs.db"
    _store(path)
    _flip(path, "UPDATE runs SET summary='{\"a\": 1,,}' WHERE id='toy-a'")
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["runs", "--store", str(path), *extra])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def test_one_damaged_run_leaves_the_others_listed_and_is_named(tmp_path: Path) -> None:
    """One flipped byte in one run's row of a team's 1,500-run store ended `assay runs`
    with no line at all (exit 5; SQLite's "malformed JSON" of the brief listing, exit 4)."""
    code, out, err = _listing(tmp_path)
    assert code == 4
    assert "toy-b" in out and "toy-a" not in out
    assert "--limit" not in out  # (the damaged run was not hidden by the limit)
    assert "toy-a" in err and "assay salvage" in err


def test_runs_json_lists_a_damaged_run_in_its_place_in_one_document(tmp_path: Path) -> None:
    import json

    code, out, _ = _listing(tmp_path, "--json")
    assert code == 4
    runs = json.loads(out)["runs"]
    assert [r["id"] for r in runs] == ["toy-b", "toy-a"]
    assert runs[0]["status"] != "damaged" and runs[1]["status"] == "damaged"
    assert "assay salvage" in runs[1]["error"]
