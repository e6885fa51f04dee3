"""A polars DataFrame passed as data without pyarrow installed (polars converts to pandas
through it) ended in a bare ModuleNotFoundError traceback; its columns are now read one by
one.  Tested with a table of that form (polars itself is not a dependency), and with polars
where it is installed."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.errors import UsageError
from assay.fairness.loading import _as_frame


class _ArrowlessTable:
    """Converts to pandas only through a package that is not installed, as polars does."""

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        self.columns = columns

    def to_pandas(self) -> Any:
        raise ModuleNotFoundError("No module named 'pyarrow'")

    def to_dict(self, *, as_series: bool = True) -> dict[str, list[Any]]:
        assert not as_series
        return self.columns


def test_a_table_that_needs_pyarrow_to_convert_is_read_column_by_column() -> None:
    frame = _as_frame(_ArrowlessTable({"age": [30, 41], "sex": ["F", "M"]}))
    assert list(frame.columns) == ["age", "sex"]
    assert frame["sex"].tolist() == ["F", "M"] and frame["age"].tolist() == [30, 41]


def test_a_table_that_cannot_convert_says_what_to_install() -> None:
    class Opaque:
        def to_pandas(self) -> Any:
            raise ModuleNotFoundError("No module named 'pyarrow'")

    with pytest.raises(UsageError, match="pip install pyarrow"):
        _as_frame(Opaque())


def test_a_polars_frame_is_tested_in_its_own_columns(tmp_path: Any) -> None:
    pl = pytest.importorskip("polars")
    import assay

    rng = np.random.default_rng(0)
    n = 600
    frame = pl.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "sex": rng.choice(["F", "M"], n),
            "hours": rng.integers(10, 60, n),
        }
    )

    def model(x: Any) -> np.ndarray:
        return ((x["hours"].to_numpy() > 40) & (x["sex"].to_numpy() == "M")).astype(int)

    r = assay.check_fairness(
        model, data=frame, protected="sex", max_queries=2000, seed=1, store=tmp_path / "r.db"
    )
    assert r.status == "completed" and r.n_findings > 0
    assert set(r.findings()["sex"]) <= {"F", "M"}
