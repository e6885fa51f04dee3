"""mutation53: left52d's row lines (``fairness.row_lines``) where the bad row itself spans
lines (a surviving mutant named by the test)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from assay.errors import UsageError
from assay.fairness.tabular_io import check_data, infer_schema, read_table

CLEAN = pd.DataFrame({"age": [30, 40, 50], "sex": ["M", "F", "M"]})


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # the bad row's own quoted line break: named by the line it begins on
        ('age,sex,y\n30,M,1\n\n40,X,"a\nb"\n50,F,1\n', 4),
        ('age,sex,y\n30,M,"a\nb\nc"\n40,X,"d\ne"\n', 5),
    ],
)
def test_a_row_spanning_lines_is_named_by_its_first(tmp_path: Path, text: str, line: int) -> None:
    # H4 (``_csv_line``'s ``begins`` read as ``reader.line_num``, the line the record ends
    # on): left52d's quoted case has its line break in a row before the bad one
    path = tmp_path / "rows.csv"
    path.write_text(text, encoding="utf-8")
    schema = infer_schema(CLEAN, categorical=["sex"])
    with pytest.raises(UsageError) as caught:
        check_data(schema, read_table(path), ignore=["y"])
    assert caught.value.line == line, str(caught.value)
    assert f":{line}: row " in str(caught.value)
