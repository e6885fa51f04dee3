"""Rows of the data with an empty value (``--missing``): refused by default (the error names
the first, with its file line); set aside with ``--missing drop``, counted per column and
said, so that the run is about the complete rows and says so; or tested with ``--missing
value``: each column with an empty cell gets "missing" as one more value of its domain
(``Feature.missing``), which the search draws and varies like any other and the model is
given as an empty cell (NaN), so that a model that reads missing values (a
HistGradientBoosting, a pipeline with an imputer) is tested on them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assay.errors import UsageError
from assay.fairness.schema import MISSING_DRAW, Schema

__all__ = [
    "MISSING_MODES",
    "ROWS_ATTR",
    "Empty",
    "Incomplete",
    "check_missing",
    "empty_cells",
    "set_aside_incomplete",
    "steady_dtypes",
]

MISSING_MODES = ("refuse", "drop", "value")

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


@dataclass(frozen=True)
class Empty:
    """What ``--missing value`` found: per column with an empty cell (one with no value at
    all is left to the schema's own message), its empty rows; ``frame`` is the data with
    each empty cell filled by a value of its own column, so that it is checked and encoded
    as before, and ``place`` then gives those cells the missing value."""

    frame: pd.DataFrame
    rows: dict[str, np.ndarray]

    def marked(self, schema: Schema) -> Schema:
        """``schema`` with each column that has an empty cell able to be missing."""
        from dataclasses import replace

        if not self.rows:
            return schema
        features = tuple(
            replace(f, missing=True) if f.name in self.rows else f for f in schema.features
        )
        return replace(schema, features=features)

    def place(self, schema: Schema, encoded: np.ndarray) -> np.ndarray:
        """``encoded`` (the filled frame's rows) with each empty cell the missing value."""
        if not self.rows:
            return encoded
        out = encoded
        for name, rows in self.rows.items():
            if name in schema.names:
                feature = schema.feature(name)
                out[rows, schema.index(name)] = feature.encoded_high
        return out

    def note(self, schema: Schema) -> str | None:
        """What the run says of the columns that may be missing (None: none is)."""
        shown = [f"{n}: {len(r):,}" for n, r in self.rows.items() if n in schema.names and len(r)]
        if not shown:
            return None
        protected = [n for n in schema.protected if n in self.rows]
        also = (
            f"; a missing {', '.join(protected)} is one more protected value, tested against "
            "the others"
            if protected
            else ""
        )
        return (
            f'Tested empty values (--missing value): {len(shown)} column(s) take "missing" '
            f"as one more value (empty cells in the data by column: {', '.join(shown[:6])}"
            f"{', ...' if len(shown) > 6 else ''}); the model is given it as an empty cell, "
            f"as pandas reads one{also}; {MISSING_DRAW}; the exact analysis follows "
            "the trees' own branch for a missing value (or an imputer's fill in front)"
        )

    def to_json(self) -> dict[str, Any]:
        return {"by_column": {n: len(r) for n, r in self.rows.items()}}


def empty_cells(frame: pd.DataFrame, skip: tuple[str, ...]) -> Empty:
    """The data's empty cells by column (``skip``: the label column, not an input), and the
    frame with each filled by the first value of its own column (see ``Empty``)."""
    empty = frame.isna()
    rows: dict[str, np.ndarray] = {}
    filled = frame
    for col in frame.columns:
        name = str(col)
        at = empty[col].to_numpy()
        if name in skip or not at.any() or at.all():
            continue
        if filled is frame:
            filled = frame.copy()
            filled.attrs.update(frame.attrs)
        rows[name] = np.flatnonzero(at)
        filled[col] = frame[col].fillna(frame[col].dropna().iloc[0])
    return Empty(frame=filled, rows=rows)


def steady_dtypes(schema: Schema) -> dict[str, Any]:
    """Per column that may be missing, the one dtype a model given DataFrames whose dtypes
    are inferred (a function written for one, an estimator fitted on one read from a file)
    gets it in, whatever a batch holds: text stays text when every value of a batch is
    missing, whole numbers are ``float64`` (as pandas read them beside an empty cell)."""
    from assay.core.steady import steady_dtype

    return {
        f.name: steady_dtype(list(f.categories or ()) if f.kind == "categorical" else [0.0])
        for f in schema.features
        if f.missing
    }
