"""A data file's header names at most ``MAX_COLUMNS`` columns, refused before its rows are
read (hostile34: a 14 MB CSV of 1,200,003 columns and 2 rows took 241 s and 3.8 GB to load
before the model's first call; a 16 MB header holds 8,000,000)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import assay.fairness.tables as tables
from assay.errors import UsageError
from assay.fairness.tables import MAX_COLUMNS, read_table


def _csv(path: Path, columns: int) -> Path:
    names = ",".join(f"c{i}" for i in range(columns))
    row = ",".join("1" for _ in range(columns))
    path.write_text(f"{names}\n{row}\n{row}\n", encoding="utf-8")
    return path


def test_a_header_of_more_columns_than_the_bound_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused from the header, its rows never read (reading them took 241 s and 3.8 GB at
    1,200,003 columns; ``bench/unit_speeds.py`` prints the seconds the refusal takes)."""
    path = _csv(tmp_path / "wide.csv", MAX_COLUMNS + 1)
    read: list[Any] = []

    def rows_read(*args: Any, **kwargs: Any) -> None:
        read.append(args)
        raise AssertionError("the rows were read")

    monkeypatch.setattr(tables, "_read_csv_chunks", rows_read)
    with pytest.raises(UsageError) as caught:
        read_table(path)
    assert read == []
    err = caught.value
    assert err.line == 1 and f"{MAX_COLUMNS + 1:,} columns" in str(err)


def test_a_wide_file_within_the_bound_is_read(tmp_path: Path) -> None:
    frame = read_table(_csv(tmp_path / "ok.csv", 2_000))
    assert frame.shape == (2, 2_000)
