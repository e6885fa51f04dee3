"""left53 (left52d's Left): a CSV whose header spans two lines (a quoted column name holding a
line break).  pandas reads its columns right ('sex\\nof person'), but assay checked the header
from its first line alone: a column named twice after the break went through (pandas
renamed it 'age.1', a column no schema names), and every data row's line was said one line
too early (the first data line taken as the line after the header's first).  Now the
header is read as one record: the repeat is refused, the rows' lines are their own."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assay.errors import UsageError
from assay.fairness.tabular_io import check_data, infer_schema, read_table

NAME = "sex\nof person"


def test_a_bad_values_line_under_a_two_line_header_is_its_own(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(f'age,"{NAME}",y\n30,M,1\n40,X,0\n', encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["age", NAME, "y"]
    assert frame.attrs["assay.first_line"] == 3  # (main: 2, the header's second line)
    clean = pd.DataFrame({"age": [30, 40], NAME: ["M", "F"]})
    schema = infer_schema(clean, categorical=[NAME])
    with pytest.raises(UsageError) as caught:
        check_data(schema, frame, ignore=["y"])
    assert caught.value.line == 4, str(caught.value)  # (main: 3, the first data row's line)
    assert "two.csv:4: row 2" in str(caught.value)


def test_a_column_named_twice_after_the_headers_line_break_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text('age,"a\nb",age\n30,1,2\n', encoding="utf-8")
    with pytest.raises(UsageError) as caught:  # (main: read, its columns age, a\nb, age.1)
        read_table(path)
    assert "column 'age' appears twice in the header" in str(caught.value)
    assert caught.value.line == 1


def test_a_one_line_header_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text('\n\nage,"sex",y\n30,M,1\n', encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["age", "sex", "y"]
    assert frame.attrs["assay.first_line"] == 4
