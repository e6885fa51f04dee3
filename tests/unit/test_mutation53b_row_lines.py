"""mutation53b, over left53's IDI lines (``fairness.row_lines.FileLines``, the findings
frame's ``line`` column): the first data row (position 0) has its line too, rows past the
data and no row (-1) none, whatever order they are asked in; a run of a CSV that found
nothing gives an empty frame with the ``line`` column (as one with findings), not ``row``;
a Parquet file's rows have no lines: its findings frame has neither column, and is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.fairness.row_lines import FileLines


def test_the_first_row_has_its_line_and_no_row_none(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n\n3,4\n5,6\n", encoding="utf-8")
    lines = FileLines({"encoding": "utf-8", "delimiter": ","}, str(path), 2, 3)
    assert lines.lines([0, 2, -1, 3, 1]) == [2, 5, None, None, 4]


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 200
    return pd.DataFrame({"sex": rng.choice(["F", "M"], n), "age": rng.integers(20, 70, n)})


def _findings(model: Any, path: Path) -> pd.DataFrame:
    result = assay.check_fairness(
        model,
        path,
        protected="sex",
        classes=[0, 1],
        max_queries=200,
        seed=0,
        store=path.parent / "s.db",
    )
    return result.findings(limit=None)


def test_a_csv_run_that_found_nothing_has_the_line_column(tmp_path: Path) -> None:
    _data().to_csv(tmp_path / "d.csv", index=False)
    frame = _findings(lambda X: (X["age"] > 40).to_numpy().astype(int), tmp_path / "d.csv")
    assert len(frame) == 0
    assert "line" in frame.columns and "row" not in frame.columns, list(frame.columns)


def test_a_parquet_runs_findings_have_no_line_column(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    _data().to_parquet(tmp_path / "d.parquet")
    frame = _findings(
        lambda X: ((X["sex"] == "M") & (X["age"] > 40)).to_numpy().astype(int),
        tmp_path / "d.parquet",
    )
    assert len(frame) > 0
    assert "line" not in frame.columns and "row" not in frame.columns, list(frame.columns)
