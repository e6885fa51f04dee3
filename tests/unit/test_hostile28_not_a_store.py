"""``--store`` given a file that is no SQLite database at all (the data set, a model): the
error called it "damaged (cut short, or overwritten)" and told the user to salvage it and
move their CSV aside so that the next run makes a store there.  It now says it is not a
database and asks for the store's file first; the file is never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.errors import StoreError


def test_a_csv_given_as_the_store_is_named_not_a_database(tmp_path: Path) -> None:
    data = tmp_path / "people.csv"
    data.write_text("age,sex\n30,F\n40,M\n" * 200, encoding="utf-8")
    before = data.read_bytes()
    with pytest.raises(StoreError) as info:
        RunStore(data).list_runs(5)
    message = str(info.value)
    assert "it is not an SQLite database" in message
    assert "a data file, a model or a report given as --store?" in message
    assert data.read_bytes() == before


def test_a_cut_store_is_still_damaged(tmp_path: Path) -> None:
    path = tmp_path / "runs.db"
    RunStore(path).list_runs(5)
    whole = path.read_bytes()
    path.write_bytes(whole[:100] + b"\x00" * 50 + whole[100:1000])
    with pytest.raises(StoreError) as info:
        RunStore(path).list_runs(5)
    message = str(info.value)
    assert "damaged (cut short, or overwritten)" in message
    assert "not an SQLite database" not in message
