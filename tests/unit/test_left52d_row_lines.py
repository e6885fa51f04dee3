"""A bad value's error names the line its row stands on, blank lines and quoted line breaks
before it counted (pandas skips blank lines: first line + position was off by them)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assay.errors import UsageError
from assay.fairness.tabular_io import check_data, infer_schema, read_table

CLEAN = pd.DataFrame({"age": [30, 40, 50], "sex": ["M", "F", "M"]})


def _error_line(path: Path, text: str) -> tuple[int | None, str]:
    path.write_text(text, encoding="utf-8")
    schema = infer_schema(CLEAN, categorical=["sex"])
    with pytest.raises(UsageError) as caught:
        check_data(schema, read_table(path), ignore=["y"])
    return caught.value.line, str(caught.value)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("blank.csv", "age,sex,y\n30,M,1\n\n40,F,0\n50,X,1\n", 5),
        ("spaces.csv", "age,sex,y\n30,M,1\n  \n\n40,F,0\n50,X,1\n", 6),
        ("quoted.csv", 'age,sex,y\n30,"M",1\n40,F,"a\nb"\n\n50,X,1\n', 6),
        ("blank.tsv", "age\tsex\ty\n\n30\tM\t1\n40\tX\t0\n", 4),
        ("blank.jsonl", '{"age": 30, "sex": "M"}\n\n{"age": 40, "sex": "X"}\n', 3),
        ("plain.csv", "age,sex,y\n30,M,1\n40,X,0\n", 3),
    ],
)
def test_the_error_names_the_rows_own_line(tmp_path: Path, name: str, text: str, line: int) -> None:
    got, message = _error_line(tmp_path / name, text)
    assert got == line, message
    assert f":{line}: row " in message and "'X'" in message
