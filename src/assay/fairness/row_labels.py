"""Which data row an IDI is: a finding whose generated input is a data row as it is (only
its protected values perhaps another's: no other feature changed from the row the search
started at) is named by the row's own index label in the user's DataFrame (``p17``,
``case-42``), so ``frame.loc[label]`` finds it; any other finding (a neighbour, a uniform
sample) has none (hostile51c).  A data file's row is named by its line (left53)."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.findings import FindingBatch

__all__ = ["LINE", "ROW", "data_rows", "row_column", "said_rows"]

ROW = "row"
"""The findings frame's column of the data row's index label."""


def data_rows(batch: FindingBatch, n: int) -> np.ndarray:
    """Per finding among the first ``n`` of ``batch``: the data row (its position in the
    data tested) it is, or -1."""
    origin = batch.columns.get("origin")
    changed = batch.columns.get("n_changed")
    if origin is None or changed is None:
        return np.full(n, -1, dtype=np.int64)
    origin = np.asarray(origin[:n], dtype=np.int64)
    return np.where(np.asarray(changed[:n]) == 0, origin, -1)


LINE = "line"
"""The findings frame's column of a data file's row's line (``row_lines.FileLines``)."""


def row_column(index: Any) -> str:
    """The column naming the data rows: ``line`` for a file's rows, else ``row``."""
    return LINE if hasattr(index, "lines") else ROW


def said_rows(rows: np.ndarray, index: Any, repeat: int) -> list[Any]:
    """Each finding's data row label, or for a file's rows its line (None where it is no
    data row), each said ``repeat`` times (once per variant row of the frame)."""
    size = len(index)
    if hasattr(index, "lines"):  # (a file's rows: read once for all of them, left53)
        said = index.lines(rows.tolist())
    else:
        said = [_plain(index[r]) if 0 <= r < size else None for r in rows.tolist()]
    return [label for label in said for _ in range(repeat)]


def _plain(value: Any) -> Any:
    """A numpy scalar label as its Python value (``np.int64(7)``: ``7``)."""
    return value.item() if isinstance(value, np.generic) else value
