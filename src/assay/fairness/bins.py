"""A numeric protected attribute tested by bins: ``--protected age:bins=25,40,60``.

Individual fairness compares a person with the same person given another value of the
protected attribute; for a number (an age, a fractional score) that means another *bin*.
Each bin is given to the model as one number, the median of the data's values inside it,
and every row of the data is read with its bin's number: the attribute becomes a category
of the bins (labelled in the data's own terms, ``18-24``, ``25-39``, ... for whole numbers,
``[25, 40)`` otherwise), and reports speak of the bins.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import numpy as np

from assay.core.numerals import written_float
from assay.core.terminal import shell_word
from assay.errors import UsageError
from assay.fairness.schema import Feature, Schema

__all__ = ["Bins", "apply_bins", "bin_schema", "parse_protected"]

_BINS = ":bins="


@dataclass(frozen=True)
class Bins:
    """One binned attribute: its inner edges, each bin's number (as the model gets it) and
    label."""

    name: str
    edges: tuple[float, ...]
    values: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()

    def feature(self) -> Feature:
        return Feature(
            self.name,
            "categorical",
            categories=tuple(_plain(v) for v in self.values),
            value_labels=self.labels,
        )


def parse_protected(
    value: str | Sequence[str] | None, columns: Collection[str] = ()
) -> tuple[tuple[str, ...], dict[str, Bins]]:
    """The protected names, and the bins of those given as ``NAME:bins=E1,E2,...``.

    ``"sex,age:bins=25,40,60"`` (or ``["sex", "age:bins=25,40,60"]``): after a ``:bins=``,
    comma-separated numbers are its edges; the next name starts at the first that is not.
    ``columns``, when known: parts of a string that name one of them together are one name
    (``"Geschlecht (m,w),race"``: a header's own comma, never typed otherwise on the command
    line, where ``--protected`` is given once)."""
    if value is None:
        return (), {}
    _refuse_a_column(value)
    parts: list[str]
    if isinstance(value, str):
        parts = _whole_names(value, set(columns))
    elif isinstance(value, int | np.integer):  # a DataFrame's integer column name
        parts = [str(value)]
    else:
        # a list names one attribute per item, whole: a column name may hold a comma (a
        # flattened MultiIndex's "('q', 'sex')"); only an item with bins splits, into its edges
        parts = []
        for v in value:
            item = str(v).strip()
            if _BINS in item:  # (the name whole: "Alter (J,M):bins=30,50")
                name, _, edges = item.partition(_BINS)
                first, *rest = edges.split(",")
                parts.append(f"{name.strip()}{_BINS}{first.strip()}")
                parts.extend(p.strip() for p in rest if p.strip())
            elif item:
                parts.append(item)
    if not parts:
        # ("", [""], ",", []: an empty variable or list; the dataset's default was tested
        # instead, where the command line refuses it.  A resumed run's record of the default
        # is [] too: ``setup_from_record`` gives it back as None)
        raise UsageError(
            f"protected={value!r} names no attribute; "
            + (
                'name the protected attribute(s), comma-separated ("sex,age")'
                if isinstance(value, str)
                else 'name the protected attribute(s), one per item (["sex", "age"])'
            )
            + ", or leave it out (None) for a built-in dataset's default",
            argument="--protected",
        )
    specs: list[list[str]] = []
    for part in parts:
        if specs and _BINS in specs[-1][0] and _number(part) is not None:
            specs[-1].append(part)
        else:
            specs.append([part])
    names: list[str] = []
    bins: dict[str, Bins] = {}
    for spec in specs:
        head = spec[0]
        if _BINS not in head and ":" in head and head.split(":", 1)[1].startswith("bin"):
            raise UsageError(
                f"{head!r}: bins are given as NAME:bins=EDGE,EDGE,... (e.g. age:bins=25,40,60)",
                argument="--protected",
            )
        name, _, first = head.partition(_BINS)
        name = name.strip()
        if not name and _BINS in head:  # (':bins=3' was the attribute '', named nowhere)
            raise UsageError(
                f"{','.join(spec)!r} names no attribute before {_BINS!r}: give "
                "NAME:bins=EDGE,EDGE,... (e.g. age:bins=25,40,60)",
                argument="--protected",
            )
        if name in names:
            raise UsageError(f"protected attribute {name!r} is named twice", argument="--protected")
        names.append(name)
        if _BINS in head:
            bins[name] = Bins(name, _edges(name, [first, *spec[1:]]))
    return tuple(names), bins


def _refuse_a_column(value: Any) -> None:
    """A pandas Series (``protected=df["sex"]``) or DataFrame given for the names: its
    values were read as attribute names ("protected attribute 'male' is named twice",
    hostile49); refused saying to name its column."""
    kind = type(value).__name__
    if not type(value).__module__.startswith("pandas") or kind not in ("Series", "DataFrame"):
        return
    named = list(value.columns) if kind == "DataFrame" else [value.name]
    said = [str(n) for n in named if n is not None]
    example = repr(said[0] if len(said) == 1 else said) if said else "'sex'"
    raise UsageError(
        f"protected= takes the names of columns of the data, not a pandas {kind} of its "
        f"values ({len(value):,} rows); name the column: protected={example}",
        argument="--protected",
    )


def _whole_names(text: str, columns: set[str]) -> list[str]:
    """``text``'s comma-separated parts, each longest run of them that names a column
    together joined again; a run that names one followed by its bins' first edge
    (``"Alter (J,M):bins=30"``, then ``50``) too."""
    pieces = text.split(",")

    def names_one(run: list[str]) -> bool:
        joined = ",".join(run)
        if joined.strip() in columns:
            return True
        return _BINS in run[-1] and joined.partition(_BINS)[0].strip() in columns

    # a run is at most one piece more than the commas of the column holding the most (every
    # run to the end was joined and tried: `age:bins=` and 2,000 edges took 79 s, cubic)
    widest = max((c.count(",") for c in columns), default=0)
    parts: list[str] = []
    i = 0
    while i < len(pieces):
        last = min(len(pieces), i + 1 + widest)
        j = next((j for j in range(last, i + 1, -1) if names_one(pieces[i:j])), i + 1)
        parts.append(",".join(pieces[i:j]).strip())
        i = j
    return [p for p in parts if p]


def _number(text: str) -> float | None:
    x = written_float(text)  # (digits 0-9: '٨' and '1_0' are no edges)
    return x if x is not None and math.isfinite(x) else None


def _edges(name: str, texts: list[str]) -> tuple[float, ...]:
    edges = [_number(t) for t in texts if t.strip()]
    bad = [t for t, e in zip(texts, edges, strict=False) if e is None]
    if bad or not edges:
        raise UsageError(
            f"bins of {name!r}: give finite numbers, the inner edges in increasing order "
            f"(e.g. {name}:bins=25,40,60), not {','.join(texts)!r}",
            argument="--protected",
        )
    numbers = [e for e in edges if e is not None]
    if any(b <= a for a, b in pairwise(numbers)):
        raise UsageError(
            f"bins of {name!r}: the edges {','.join(texts)} are not increasing",
            argument="--protected",
        )
    return tuple(numbers)


def apply_bins(frame: Any, bins: dict[str, Bins], src: str) -> tuple[Any, dict[str, Bins]]:
    """``frame`` with each binned column replaced by its bin's number, and the bins with
    their numbers and labels (from the data: each bin must hold a row)."""
    import pandas as pd

    if not bins:
        return frame, bins
    out = frame.copy()
    out.attrs.update(frame.attrs)
    by_name = {str(c): c for c in frame.columns}
    done: dict[str, Bins] = {}
    for name, b in bins.items():
        if name not in by_name:
            raise UsageError(
                f"protected attribute {name!r} is not a column; columns are: {', '.join(by_name)}",
                argument="--protected",
            )
        col = frame[by_name[name]]
        if not pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
            raise UsageError(
                f"{name!r} is not a column of numbers in {src}: bins are for numbers; "
                f"give it as a category (--protected {shell_word(name)})",
                argument="--protected",
            )
        values = col.to_numpy(dtype=np.float64)
        if np.isnan(values).any():
            row = int(np.flatnonzero(np.isnan(values))[0])
            raise UsageError(
                f"{src}: row {row + 1}, column {name!r}: the value is empty; set the rows with an "
                "empty value aside with --missing drop, or fill them (--missing value puts no "
                "empty cell in a bin)",
                argument="--data",
            )
        which = np.searchsorted(np.asarray(b.edges), values, side="right")
        whole = bool(np.all(values == np.round(values)))
        reps, labels = [], []
        for k in range(len(b.edges) + 1):
            inside = values[which == k]
            lo_edge = b.edges[k - 1] if k > 0 else None
            hi_edge = b.edges[k] if k < len(b.edges) else None
            if not inside.size:
                raise UsageError(
                    f"bins of {name!r}: no row of {src} has {name} in "
                    f"{_label(lo_edge, hi_edge, values, whole)} (values from "
                    f"{_fmt(values.min())} to {_fmt(values.max())}); choose edges inside that "
                    "range",
                    argument="--protected",
                )
            rep = float(np.median(inside))
            reps.append(float(np.round(rep)) if whole else rep)
            labels.append(_label(lo_edge, hi_edge, values, whole))
        if len(set(reps)) < len(reps):
            raise UsageError(
                f"bins of {name!r}: two bins have the same median ({', '.join(map(_fmt, reps))})"
                "; use fewer, wider bins",
                argument="--protected",
            )
        out[by_name[name]] = np.asarray(reps, dtype=np.int64 if whole else np.float64)[which]
        done[name] = replace(b, values=tuple(reps), labels=tuple(labels))
    return out, done


def bin_schema(schema: Schema, bins: dict[str, Bins]) -> Schema:
    """``schema`` with each binned attribute a category of its bins."""
    if not bins:
        return schema
    features = tuple(bins[f.name].feature() if f.name in bins else f for f in schema.features)
    return replace(schema, features=features)


def _label(lo: float | None, hi: float | None, values: np.ndarray, whole: bool) -> str:
    """A bin in the data's terms: ``18-24`` (whole numbers, bounded by the data), ``60-79``;
    ``[25, 40)`` otherwise, ``< 25`` and ``>= 60`` at the ends."""
    if whole:
        low = int(values.min()) if lo is None else math.ceil(lo)
        high = int(values.max()) if hi is None else math.ceil(hi) - 1
        if low <= high:
            return str(low) if low == high else f"{low}-{high}"
        # (a bin beyond the data's values: its edges alone, never "100-69")
    if lo is None:
        return f"< {_fmt(hi)}"
    if hi is None:
        return f">= {_fmt(lo)}"
    return f"[{_fmt(lo)}, {_fmt(hi)})"


def _fmt(x: float | None) -> str:
    return "" if x is None else str(np.format_float_positional(float(x), trim="-"))


def _plain(v: float) -> int | float:
    return int(v) if float(v).is_integer() else float(v)
