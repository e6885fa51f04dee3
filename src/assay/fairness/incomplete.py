"""Rows of the data with an empty value (``--missing``): refused by default (the error names
the first, with its file line), or set aside with ``--missing drop``, counted per column and
said, so that the run is about the complete rows and says so.

The search never gives the model an empty value either way: a model that reads missing
values (a HistGradientBoosting, a pipeline with an imputer) is not tested on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assay.errors import UsageError

__all__ = ["MISSING_MODES", "ROWS_ATTR", "Incomplete", "check_missing", "set_aside_incomplete"]

MISSING_MODES = ("refuse", "drop")

# the frame's attrs key holding, after rows were set aside, each kept row's position in the
# data as given: messages name its row (and a file's line)
ROWS_ATTR = "assay.rows"


@dataclass(frozen=True)
class Incomplete:
    """What ``--missing drop`` set aside: ``rows`` of ``of`` rows, and per column the number
    of empty values among them (a row empty in two columns counts in each)."""

    rows: int
    of: int
    by_column: tuple[tuple[str, int], ...]

    def note(self) -> str:
        shown = ", ".join(f"{name}: {n:,}" for name, n in self.by_column[:6])
        more = f", ... ({len(self.by_column)} columns)" if len(self.by_column) > 6 else ""
        return (
            f"Set aside {self.rows:,} of the data's {self.of:,} rows with an empty value "
            f"(--missing drop; empty values by column: {shown}{more}): the share over the "
            "data, the group metrics and the search's starting rows are of the complete rows, "
            "and no input with an empty value was tested"
        )

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "of": self.of, "by_column": dict(self.by_column)}


def check_missing(missing: str) -> str:
    """``missing`` as given, or a usage error naming the choices."""
    if missing not in MISSING_MODES:
        raise UsageError(
            f"--missing must be one of {', '.join(MISSING_MODES)}, not {missing!r}",
            argument="--missing",
        )
    return missing


def set_aside_incomplete(frame: pd.DataFrame, src: str) -> tuple[pd.DataFrame, Incomplete | None]:
    """``frame`` without its rows holding an empty value (``None`` when it has none).

    A column with no value at all is left to the schema's own message (dropping every row
    for it would say less); a file's kept rows are renumbered from 0 (a DataFrame's keep their
    index labels), and their positions in the data as given are kept in ``attrs[ROWS_ATTR]``
    for messages naming a row."""
    empty = frame.isna()
    if not len(frame.columns) or not len(frame):
        return frame, None
    holds_some = ~empty.all(axis=0)
    counted = empty.loc[:, holds_some]
    rows = counted.any(axis=1).to_numpy()
    if not rows.any():
        return frame, None
    per_column = counted.sum(axis=0)
    by_column = tuple(
        sorted(
            ((str(c), int(n)) for c, n in per_column.items() if n),
            key=lambda item: (-item[1], item[0]),
        )
    )
    if rows.all():
        raise UsageError(
            f"every row of {src} has an empty value (by column: "
            + ", ".join(f"{name}: {n:,}" for name, n in by_column[:6])
            + "): nothing is left to test; fill them, or set aside the emptiest columns "
            "with --drop",
            argument="--missing",
        )
    from assay.fairness.tables import SOURCE_ATTR

    earlier = frame.attrs.get(ROWS_ATTR)
    places = np.arange(len(frame)) if earlier is None else np.asarray(earlier)
    kept = frame.loc[~rows]
    if SOURCE_ATTR in frame.attrs:  # a file's rows go by position (a DataFrame's by label)
        kept = kept.reset_index(drop=True)
    kept.attrs.update(frame.attrs)
    kept.attrs[ROWS_ATTR] = places[~rows]
    return kept, Incomplete(rows=int(rows.sum()), of=len(frame), by_column=by_column)
