"""The run store's schema 3 (scale23: strings and bytes deflated): a store of schema 2 is read
and written on (and marked 3, so that an older assay refuses it rather than misread the new
blobs); a store of a newer schema is refused, to read or to write (mutation24)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assay.core.columnar import decode_array, encode_array
from assay.core.store import RunStore
from assay.errors import StoreError


def _store_with_a_run(path: Path) -> None:
    with RunStore(path) as store:
        store.create_run(
            run_id="r-1",
            technique="text",
            seed=1,
            command="assay text",
            config={},
            model={},
            versions={},
        )


def _schema(path: Path, value: str | None = None) -> str:
    db = sqlite3.connect(path)
    try:
        if value is not None:
            db.execute("UPDATE meta SET value=? WHERE key='schema'", (value,))
            db.commit()
        return str(db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0])
    finally:
        db.close()


def test_a_new_store_is_of_this_schema(tmp_path: Path) -> None:
    _store_with_a_run(tmp_path / "runs.db")
    assert _schema(tmp_path / "runs.db") == "4"  # (3, then 4 from text31: configs' rows)


def test_a_store_of_schema_2_is_read_and_marked_newer_once_written_to(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    _store_with_a_run(path)
    _schema(path, "2")
    with RunStore(path, read_only=True) as store:
        assert [r.id for r in store.list_runs()] == ["r-1"]
    assert _schema(path) == "2"  # reading changes nothing
    with RunStore(path) as store:
        assert [r.id for r in store.list_runs()] == ["r-1"]
    assert _schema(path) == "4"


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_of_a_newer_schema_is_refused(tmp_path: Path, read_only: bool) -> None:
    path = tmp_path / "runs.db"
    _store_with_a_run(path)
    _schema(path, "5")
    with pytest.raises(
        StoreError, match=r"store schema 5 is newer than this assay understands \(4\)"
    ):
        RunStore(path, read_only=read_only)


def test_a_column_of_bytes_that_does_not_deflate_is_kept_as_it_is() -> None:
    noise = np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8)
    blob = encode_array(noise)
    assert np.array_equal(decode_array(blob), noise)
    assert len(blob) < len(noise) + 200  # deflated, random bytes would grow
    text = np.frombuffer(b'{"key": "1"}\n' * 400, dtype=np.uint8)
    assert len(encode_array(text)) < len(text) // 4


def test_rows_of_no_value_stored_with_no_column_are_read_back() -> None:
    """A store of schema 3 written before (n, 0) arrays were kept raw holds them with no
    column (a text finding's empty top-k set): read back, not an IndexError."""
    import json
    import struct

    from assay.core.columnar import MAGIC

    head = {"arrays": {"a": {"dtype": "<f8", "shape": [5, 0], "columns": []}}}
    text = json.dumps(head).encode()
    back = decode_array(MAGIC + struct.pack("<I", len(text)) + text)
    assert back.shape == (5, 0) and back.dtype == np.float64
