"""A refusal naming a row of a polars DataFrame or a pyarrow Table says "row 4" alone: they
have no index (hostile53c: "row 4 (index 3)", the index pandas' conversion made up); a
pandas DataFrame's rows keep their index labels beside their numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from assay import check_fairness
from assay.errors import UsageError

_COLUMNS: dict[str, list[Any]] = {
    "age": [25, 47, 33, 58, 41, 29],
    "sex": ["F", "M", "F", None, "M", "F"],
}


def _answers(X: Any) -> np.ndarray:
    return np.asarray((X["age"] > 40).astype(int))


def _refusal(data: Any) -> str:
    with pytest.raises(UsageError) as info:
        check_fairness(_answers, data, protected=["sex"], classes=[0, 1], max_queries=200)
    return str(info.value)


@pytest.mark.parametrize("form", ["polars", "pyarrow"])
def test_a_table_without_an_index_names_its_row_by_number_alone(form: str) -> None:
    if form == "polars":
        pl = pytest.importorskip("polars")
        pytest.importorskip("pyarrow")
        data: Any = pl.DataFrame(_COLUMNS)
    else:
        pa = pytest.importorskip("pyarrow")
        data = pa.table(_COLUMNS)
    said = _refusal(data)
    assert "row 4, column 'sex': the value is empty" in said
    assert "index" not in said.split(":")[1]


def test_a_pandas_frame_names_its_row_and_index_label() -> None:
    said = _refusal(pd.DataFrame(_COLUMNS, index=[100, 101, 102, 103, 104, 105]))
    assert "row 4 (index 103), column 'sex'" in said
