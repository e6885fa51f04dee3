"""Values a model's encoder refuses, said before a run is made.

A Pipeline whose ``OneHotEncoder`` (or ``OrdinalEncoder``) keeps scikit-learn's default
``handle_unknown='error'`` raises on any value it was not fitted on.  Data holding one (a
``workclass`` of ``Space-gov`` in two rows of a test file) began a run that failed at its
first batch holding it: "the model raised ValueError: Found unknown categories
['Space-gov'] in column 0", a failed run stored, "once the problem is fixed, continue it"
(hostile51c).  The run searches every value the data holds, so such a value is refused
before any run, naming the column, the values, the rows holding them and the ways on.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.keywords import from_the_command_line
from assay.errors import UsageError
from assay.fairness.columns import _same, column_encoders
from assay.fairness.schema import Schema

__all__ = ["refuse_unknown"]

_MOST_VALUES = 10_000  # (an integer column of a larger range is not listed value by value)


def refuse_unknown(
    estimator: Any, schema: Schema, encoded: np.ndarray | None, where: Any = None
) -> None:
    """Raise ``UsageError`` when a column of ``schema`` read by an encoder that refuses
    unknown values (``handle_unknown='error'``) takes a value that encoder was not fitted
    on; ``encoded`` (the data's rows, if any) gives the rows holding them, and ``where``
    (``tabular_io._Where`` of the data) names the first as its file's line or its index."""
    for name, (known, encoder) in column_encoders(estimator).items():
        if getattr(encoder, "handle_unknown", None) != "error" or name not in schema.names:
            continue
        feature = schema.feature(name)
        if feature.n_values is None or feature.n_values > _MOST_VALUES:
            continue
        fitted = {_same(v) for v in known}
        values = feature.values()
        unknown = [i for i, v in enumerate(values) if _same(v) not in fitted]
        if not unknown:
            continue
        shown = ", ".join(repr(_plain(values[i])) for i in unknown[:5])
        more = f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else ""
        if feature.kind == "integer":  # (the range's numbers, not the data's values)
            raise UsageError(
                _as_numbers(name, values, known, f"{shown}{more}", encoder),
                argument="--protected" if name in schema.protected else "--data",
            )
        held = np.empty(0, dtype=np.int64)
        if encoded is not None and feature.kind == "categorical":
            held = np.flatnonzero(np.isin(encoded[:, schema.names.index(name)], unknown))
        many = "s" if held.size > 1 else ""
        rows = f" ({held.size:,} data row{many})" if held.size else ""
        kind = type(encoder).__name__
        said = (
            f"{shown}{more}{rows}, which the model's {kind} was not fitted on and refuses "
            f"(handle_unknown='error'): the model cannot answer an input holding "
            f"{'it' if len(unknown) == 1 else 'them'}, and the search would ask such inputs; "
            f"set those rows aside ({_aside(name, known)}), or test a model whose {kind} "
            "reads unknown values (handle_unknown='ignore')"
        )
        if held.size and where is not None:
            error: UsageError = where.error(int(held[0]), name, f"the value is {said}")
            raise error
        raise UsageError(
            f"column {name!r} holds {said}",
            argument="--protected" if name in schema.protected else "--data",
        )


def _as_numbers(name: str, values: list[Any], known: list[Any], unknown: str, encoder: Any) -> str:
    """A whole-number column whose encoder knows some numbers only: the search asks every
    number of its range, not only the data's (hostile51c: "set those rows aside" of rows
    no data row is; left52)."""
    kind = type(encoder).__name__
    shown = ", ".join(repr(_plain(v)) for v in known[:8]) + (", ..." if len(known) > 8 else "")
    way = (
        "a --schema file beside --data declaring it categorical, its categories those "
        "(docs/schema-format.md)"
        if from_the_command_line()
        else f"frame.astype({{{name!r}: 'category'}})"
    )
    return (
        f"column {name!r} is read as whole numbers from {_plain(values[0])!r} to "
        f"{_plain(values[-1])!r}, any of which the search may ask, but the model's {kind} was "
        f"fitted on {shown} only and refuses the others ({unknown}; handle_unknown='error'): "
        f"give the column as categories, so that only its values are asked: {way}"
    )


def _aside(name: str, known: list[Any]) -> str:
    """How to set the rows aside: a command-line user edits the data file (a Python line is
    no way on there: left52), a Python caller filters the frame."""
    if not from_the_command_line():
        return f"frame[frame[{name!r}].isin(known)], known the encoder's categories_"
    shown = ", ".join(repr(_plain(v)) for v in known[:8]) + (", ..." if len(known) > 8 else "")
    return f"remove them from the data file: the encoder knows {shown} for {name!r}"


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value
