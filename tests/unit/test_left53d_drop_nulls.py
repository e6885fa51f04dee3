"""The missing-value advice for a table assay converted says that table's own way of dropping
rows with an empty value (left53b's Left: polars data was told pandas' ``frame.dropna()``;
polars calls it ``drop_nulls()``, pyarrow ``drop_null()``).  Neither package need be
installed: the tables here are stand-ins from modules of those names, converting themselves
with ``to_pandas()`` as theirs do."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from test_left53b_row_numbers import _COLUMNS, _refusal


def _table(module: str, name: str) -> Any:
    def to_pandas(self: Any) -> pd.DataFrame:
        return pd.DataFrame(_COLUMNS)

    return type(name, (), {"__module__": module, "to_pandas": to_pandas})()


@pytest.mark.parametrize(
    ("module", "name", "way"),
    [
        ("polars.dataframe.frame", "DataFrame", "frame.drop_nulls()"),
        ("pyarrow.lib", "Table", "table.drop_null()"),
    ],
)
def test_a_converted_table_is_told_its_own_way(module: str, name: str, way: str) -> None:
    said = _refusal(_table(module, name))
    assert "row 4, column 'sex': the value is empty" in said
    assert f"or drop or fill them first ({way})" in said
    assert "dropna" not in said


def test_a_pandas_frame_is_told_dropna() -> None:
    said = _refusal(pd.DataFrame(_COLUMNS))
    assert "or drop or fill them first (frame.dropna())" in said


def test_a_real_polars_frame_is_told_drop_nulls() -> None:
    pl = pytest.importorskip("polars")
    said = _refusal(pl.DataFrame(_COLUMNS))
    assert "(frame.drop_nulls())" in said
    assert "dropna" not in said
