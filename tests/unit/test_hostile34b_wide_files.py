"""JSON-lines and Parquet files are held to the CSV header's ``MAX_COLUMNS`` (hostile34's
Left: their column counts were not bounded), refused before their rows are read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.errors import UsageError
from assay.fairness import tables
from assay.fairness.tables import MAX_COLUMNS, read_table


def test_a_json_lines_file_of_more_keys_than_the_bound_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    row = json.dumps({f"c{i}": 1 for i in range(MAX_COLUMNS + 1)}, separators=(",", ":"))
    path.write_text(f"{row}\n{row}\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_table(path)
    assert caught.value.line == 1 and f"{MAX_COLUMNS + 1:,} columns" in str(caught.value)


def test_a_parquet_file_of_more_columns_than_the_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = tmp_path / "wide.parquet"
    pd.DataFrame({f"c{i}": [1, 2] for i in range(30)}).to_parquet(path)
    monkeypatch.setattr(tables, "MAX_COLUMNS", 29)  # (a million columns: minutes to write)
    with pytest.raises(UsageError, match="30 columns: at most 29"):
        read_table(path)
    monkeypatch.setattr(tables, "MAX_COLUMNS", 30)
    assert read_table(path).shape == (2, 30)
