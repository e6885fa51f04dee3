"""mutation53b, over left53's two-line CSV header (``tables._check_header``): the header is
read as the CSV reader reads it, its lines split where pandas splits them (``\\n``, ``\\r``),
not where ``str.splitlines`` does (a Unicode line or paragraph separator, a form feed in a
column name pasted from elsewhere): such a name is one line, and the data rows' lines are
counted from the line after it; a name with a line break kept its break when checked for
repeats (``"a\\nb"`` and ``ab`` two columns)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.fairness.tabular_io import read_table


@pytest.mark.parametrize("mark", ["\u2028", "\u2029", "\x0c", "\x1e"])
def test_a_name_holding_a_separator_pandas_does_not_split_is_one_line(
    tmp_path: Path, mark: str
) -> None:
    path = tmp_path / "h.csv"
    path.write_text(f'age,"sex{mark}of",y\n30,M,1\n40,F,0\n', encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["age", f"sex{mark}of", "y"]
    assert frame.attrs["assay.first_line"] == 2  # (splitlines: 3)


def test_a_name_whose_line_break_is_its_only_difference_is_no_repeat(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text('age,"a\nb",ab\n30,1,2\n', encoding="utf-8")
    frame = read_table(path)  # (splitlines: "column 'ab' appears twice in the header")
    assert list(frame.columns) == ["age", "a\nb", "ab"]
    assert frame.attrs["assay.first_line"] == 3
