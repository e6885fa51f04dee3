"""The input space of a tabular model: typed, bounded features and the protected ones.

Searches work in an *encoded* space: a float64 matrix where an integer feature holds its
value, a categorical feature holds the index of its category, and a continuous feature holds
its value.  ``decode`` turns encoded rows into what the model takes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

import numpy as np

from assay.core.display import value as value_text
from assay.core.missing_code import MISSING_LABEL, known_top, means_missing
from assay.errors import UsageError
from assay.fairness.lattice import scales, snap_columns

_CLIP_ROWS_BYTES = 1 << 23  # rows clipped at a time by ``Schema.clip`` (8 MB of them)

__all__ = [
    "LONGEST_CATEGORY",
    "MISSING_DRAW",
    "MISSING_LABEL",
    "ROW_CELLS",
    "Feature",
    "FeatureKind",
    "Schema",
    "rows_within",
    "too_long",
]

LONGEST_CATEGORY = 4096
"""Characters of the longest text category a data set or schema may hold.  Every row a run
builds holds its categories, and a DataFrame handed to a model stores each row's text apart:
one 10 MB value (a missing closing quote in a CSV swallows the rest of the file into one
cell) took 5.7 GB, a 100 MB one the machine's 22 GB and the out-of-memory killer."""


def too_long(categories: Any) -> str | None:
    """The first text category longer than ``LONGEST_CATEGORY``, or None."""
    return next((c for c in categories if isinstance(c, str) and len(c) > LONGEST_CATEGORY), None)


MISSING_DRAW = (
    "a column that may be missing (--missing value) takes it as one more of its values in "
    "the uniform draw (a category or whole number among the others; a column of fractional "
    "numbers one draw in ten)"
)
"""How the input space's uniform draw gives the missing value (``sample_uniform``)."""


def _is_empty(value: Any) -> bool:
    """``None`` or a float NaN: a missing value in the data's own form."""
    return value is None or (isinstance(value, float | np.floating) and bool(np.isnan(value)))


FeatureKind = Literal["integer", "categorical", "continuous"]

ROW_CELLS = 1 << 24
"""Values in one sample of whole rows (134 MB of float64): a schema of 100,000 features
gets 167 rows where a narrow one gets 20,000 (which would take 16 GB)."""


def rows_within(n: int, width: int, *, least: int = 50) -> int:
    """``n`` rows, or fewer when ``n`` rows of ``width`` values pass ``ROW_CELLS`` (never
    fewer than ``least``)."""
    return min(n, max(least, ROW_CELLS // max(width, 1)))


@dataclass(frozen=True)
class Feature:
    """One column: its name, kind and domain.

    - integer: whole numbers in [low, high];
    - continuous: real numbers in [low, high];
    - categorical: one of ``categories`` (strings or numbers, as the model takes them).

    ``nominal``: an integer feature whose codes name categories in no meaningful order (the
    literature's Adult encoding: occupation 0-13).  The search still steps between
    neighbouring codes as that encoding is used; rules and boxes list its values as a set
    (``occupation in {Sales, Adm-clerical}``), never as a range of codes.

    ``missing``: the column may be empty (``--missing value``): its domain has one more
    value, "missing", encoded at its top (``missing_code``: one past the last category or
    the high bound of an integer; a continuous feature's encoded range reaches a ninth of
    its span above ``high``, every value there meaning missing, so that a uniform draw
    gives it one time in ten; a feature of one value, 1 above it, the draw giving the value
    nine times in ten).  The model is given it as an empty cell (NaN, or ``None``
    where a text column takes it: ``decode``), never as a number.
    """

    name: str
    kind: FeatureKind
    low: float | None = None
    high: float | None = None
    categories: tuple[Any, ...] | None = None
    value_labels: tuple[str, ...] | None = None
    nominal: bool = False
    missing: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("integer", "categorical", "continuous"):
            raise UsageError(
                f"feature {self.name!r}: kind must be integer, categorical or continuous, "
                f"not {self.kind!r}"
            )
        if self.kind == "categorical":
            if not self.categories:
                raise UsageError(f"categorical feature {self.name!r} has no categories")
            if len(set(self.categories)) != len(self.categories):
                raise UsageError(f"categorical feature {self.name!r} repeats a category")
        else:
            if self.low is None or self.high is None:
                raise UsageError(f"{self.kind} feature {self.name!r} needs both low and high")
            if not (np.isfinite(self.low) and np.isfinite(self.high)) or self.low > self.high:
                raise UsageError(
                    f"feature {self.name!r}: bounds [{self.low}, {self.high}] are not a range"
                )
            if self.kind == "integer" and (
                self.low != int(self.low) or self.high != int(self.high)
            ):
                raise UsageError(f"integer feature {self.name!r} has non-integer bounds")
        if self.value_labels is not None and (
            self.kind == "continuous"
            or len(self.value_labels) != (self.n_values or 0) - int(self.missing)
        ):
            raise UsageError(
                f"feature {self.name!r}: value labels need an integer or categorical feature "
                "and one label per value (from low to high, or per category)"
            )

    @property
    def encoded_low(self) -> float:
        return 0.0 if self.kind == "categorical" else float(self.low)  # type: ignore[arg-type]

    @property
    def known_high(self) -> float:
        """The encoded top of the feature's values, the missing value left out."""
        return known_top(self.kind, self.high, len(self.categories or ()))

    @property
    def encoded_high(self) -> float:
        """The encoded top of the feature's domain: ``missing_code`` when it may be missing."""
        top = self.known_high
        if not self.missing:
            return top
        if self.kind != "continuous":
            return top + 1.0
        span = top - float(self.low)  # type: ignore[arg-type]
        return top + (span / 9.0 if span > 0 else 1.0)

    @property
    def missing_code(self) -> float | None:
        """The encoded missing value (None: the feature is never missing)."""
        return self.encoded_high if self.missing else None

    def is_missing(self, code: float) -> bool:
        """Whether one encoded value means "missing"."""
        return means_missing(self.missing, self.known_high, code)

    def missing_mask(self, codes: np.ndarray) -> np.ndarray:
        """Which of ``codes`` (this feature's encoded values) mean "missing"."""
        if not self.missing:
            return np.zeros(np.shape(codes), dtype=bool)
        return np.asarray(codes, dtype=np.float64) > self.known_high

    @property
    def n_values(self) -> int | None:
        """How many values the feature takes (None for continuous)."""
        if self.kind == "continuous":
            return None
        return int(self.encoded_high - self.encoded_low) + 1

    def values(self) -> list[Any]:
        """Every value of a discrete feature, as the model takes it (the missing value
        left out)."""
        if self.kind == "categorical":
            return list(self.categories or ())
        if self.kind == "integer":
            return list(range(int(self.encoded_low), int(self.known_high) + 1))
        raise UsageError(f"continuous feature {self.name!r} has no finite list of values")

    def label(self, code: float) -> str:
        """A readable form of one encoded value."""
        if self.is_missing(code):
            return MISSING_LABEL
        if self.kind == "categorical":
            if self.value_labels is not None:  # e.g. bins of a number: "25-39"
                return self.value_labels[int(code)]
            return str((self.categories or ())[int(code)])
        if self.kind == "integer":
            if self.value_labels is not None:
                name = self.value_labels[int(code) - int(self.low or 0)]
                return name if name == str(int(code)) else f"{name} ({int(code)})"
            return str(int(code))
        return value_text(code)  # six significant digits, as every report writes it

    def value(self, code: float) -> Any:
        """One encoded value in the data's own form: the category as given (a string, a
        number), an int, or a float; ``None`` for the missing value."""
        if self.is_missing(code):
            return None
        if self.kind == "categorical":
            v = (self.categories or ())[int(code)]
            return v.item() if isinstance(v, np.generic) else v
        if self.kind == "integer":
            return int(code)
        return float(code)

    def display(self, value: Any) -> str:
        """``label`` of a value in the data's own form (``value``'s inverse for the eye)."""
        if _is_empty(value):
            return MISSING_LABEL
        if self.kind != "categorical":
            return self.label(float(value))
        if self.value_labels is not None and value in (self.categories or ()):
            return self.value_labels[list(self.categories or ()).index(value)]
        return str(value)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.kind == "categorical":
            d["categories"] = [
                c.item() if isinstance(c, np.generic) else c for c in self.categories or ()
            ]
        else:
            d["low"], d["high"] = self.low, self.high
        if self.value_labels is not None:
            d["value_labels"] = list(self.value_labels)
        if self.nominal:
            d["nominal"] = True
        if self.missing:
            d["missing"] = True
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Feature:
        cats = d.get("categories")
        return cls(
            name=str(d["name"]),
            kind=d["kind"],
            low=d.get("low"),
            high=d.get("high"),
            categories=tuple(cats) if cats is not None else None,
            value_labels=tuple(d["value_labels"]) if d.get("value_labels") else None,
            nominal=d.get("nominal") is True,
            missing=d.get("missing") is True,
        )


@dataclass(frozen=True)
class Schema:
    """Ordered features (in the order the model takes its columns) and protected names."""

    features: tuple[Feature, ...]
    protected: tuple[str, ...] = ()
    notes: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.features:
            raise UsageError("a schema needs at least one feature")
        names = [f.name for f in self.features]
        seen: set[str] = set()
        for n in names:
            if n in seen:
                raise UsageError(f"feature {n!r} appears twice in the schema")
            seen.add(n)
        for p in self.protected:
            self.index(p)
        for p in self.protected:
            if self.feature(p).kind == "continuous":
                raise UsageError(
                    f"protected attribute {p!r} is continuous; declare it integer or categorical "
                    "so that every alternative value can be checked"
                )

    # -- lookup --------------------------------------------------------------------------
    @cached_property
    def _positions(self) -> dict[str, int]:
        # built once: reports look features up by name for every row they show, and a
        # schema may have 12,000 columns (a linear search each time was quadratic)
        return {f.name: i for i, f in enumerate(self.features)}

    @property
    def names(self) -> list[str]:
        return list(self._positions)

    def __len__(self) -> int:
        return len(self.features)

    def index(self, name: str) -> int:
        at = self._positions.get(name)
        if at is not None:
            return at
        raise UsageError(
            f"protected attribute {name!r} is not a column; columns are: {', '.join(self.names)}",
            argument="--protected",
        )

    def feature(self, name: str) -> Feature:
        return self.features[self.index(name)]

    @property
    def protected_indices(self) -> list[int]:
        return [self.index(p) for p in self.protected]

    def with_protected(self, names: Iterable[str]) -> Schema:
        return replace(self, protected=tuple(names))

    @cached_property
    def _bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # built once (100,000 features: a list of Python floats per call was 50 ms)
        lows = np.array([f.encoded_low for f in self.features], dtype=np.float64)
        highs = np.array([f.encoded_high for f in self.features], dtype=np.float64)
        return lows, highs, np.array([f.kind != "continuous" for f in self.features])

    @cached_property
    def lattice(self) -> np.ndarray:
        """Each feature's lattice scale (``lattice.scales``): the decimal grid its continuous
        values are put on by the searches, so that float rounding makes no new input."""
        lows, highs, disc = self._bounds
        out: np.ndarray = scales(lows, highs, disc)
        return out

    @property
    def lows(self) -> np.ndarray:
        return self._bounds[0].copy()  # the caller's own (it may write to it)

    @property
    def highs(self) -> np.ndarray:
        return self._bounds[1].copy()

    @property
    def discrete(self) -> np.ndarray:
        """Mask of the features that take whole-number encoded values."""
        return self._bounds[2].copy()

    def protected_combinations(self) -> np.ndarray:
        """Every combination of protected values, encoded: shape (n_combinations, n_protected)."""
        if not self.protected:
            raise UsageError("no protected attribute given", argument="--protected")
        grids = [
            np.arange(self.feature(p).encoded_low, self.feature(p).encoded_high + 1)
            for p in self.protected
        ]
        mesh = np.meshgrid(*grids, indexing="ij")
        return np.stack([m.reshape(-1) for m in mesh], axis=1).astype(np.float64)

    # -- encoding ------------------------------------------------------------------------
    def sample_uniform(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` encoded rows drawn uniformly from the schema's space."""
        lows, highs, disc = self._bounds
        out = rng.random((n, len(self.features)))
        out *= highs - lows + disc
        out += lows
        whole = np.flatnonzero(disc)
        if len(whole) == len(disc):
            np.floor(out, out=out)
        else:
            out[:, whole] = np.floor(out[:, whole])
            snap_columns(out, self.lattice)  # continuous values on their lattice
            np.maximum(out, lows, out=out)
        np.minimum(out, highs, out=out)
        for j, top, code in self._missing_continuous:
            if top <= lows[j]:  # one known value, a point no draw lands on: 9 draws in 10
                col = out[:, j]
                col[col <= top + 0.9 * (code - top)] = top
        self._snap_missing(out)
        return out

    @cached_property
    def _missing_continuous(self) -> tuple[tuple[int, float, float], ...]:
        """(position, known high, missing code) of each continuous feature that may be
        missing: its values above the known high all mean missing, and are given the code."""
        return tuple(
            (j, f.known_high, f.encoded_high)
            for j, f in enumerate(self.features)
            if f.missing and f.kind == "continuous"
        )

    @cached_property
    def may_be_missing(self) -> bool:
        """Whether any feature may be missing (``--missing value``)."""
        return any(f.missing for f in self.features)

    def _snap_missing(self, rows: np.ndarray) -> None:
        """Each continuous value meaning missing set to its feature's one code, in place."""
        for j, top, code in self._missing_continuous:
            col = rows[:, j]
            col[col > top] = code

    def clip(self, encoded: np.ndarray) -> np.ndarray:
        """Rows within the features' bounds, discrete features rounded.  Rows that already
        are come back as they are (float64: the same array, not a copy; callers only read
        it); else a copy, made in chunks of rows.  A 1,000,000 x 40 data file's rows took
        a copy and two half-copies (1 GB at once): the search's peak memory."""
        rows = np.asarray(encoded, dtype=np.float64)
        lows, highs, disc = self._bounds
        out: np.ndarray | None = None
        step = max(1, _CLIP_ROWS_BYTES // max(1, 8 * rows.shape[1])) if rows.ndim == 2 else 1
        for start in range(0, len(rows), step):
            part = np.ascontiguousarray(rows[start : start + step])
            fixed = np.clip(part, lows, highs)
            fixed[:, disc] = np.round(fixed[:, disc])
            self._snap_missing(fixed)
            fixed = np.ascontiguousarray(fixed)
            if out is None and np.array_equal(fixed.view(np.uint64), part.view(np.uint64)):
                continue  # bit for bit the same (a -0.0 stays -0.0)
            if out is None:
                out = rows.copy()
            out[start : start + step] = fixed
        return rows if out is None else out

    @property
    def model_dtype(self) -> np.dtype[Any]:
        """float64 when every value is a number; object when a category is a string."""
        for f in self.features:
            if f.kind == "categorical" and any(isinstance(c, str) for c in f.categories or ()):
                return np.dtype(object)
        return np.dtype(np.float64)

    def decode(self, encoded: np.ndarray) -> np.ndarray:
        """Encoded rows as the model takes them (category codes become category values; a
        missing value becomes NaN, as pandas reads an empty cell, in a number or text column
        alike)."""
        enc = np.asarray(encoded, dtype=np.float64)
        if self.model_dtype != np.dtype(object):
            if not any(f.kind == "categorical" or f.missing for f in self.features):
                return enc  # nothing to map: the encoded rows are what the model takes
            out = enc.copy()
            for j, f in enumerate(self.features):
                if f.kind == "categorical":
                    table = np.append(np.asarray(f.categories, dtype=np.float64), np.nan)
                    out[:, j] = table[enc[:, j].astype(np.int64)]
                elif f.missing:
                    out[f.missing_mask(enc[:, j]), j] = np.nan
            return out
        out_o = np.empty(enc.shape, dtype=object)
        for j, f in enumerate(self.features):
            col = enc[:, j]
            if f.kind == "categorical":
                table_o = np.empty(len(f.categories or ()) + 1, dtype=object)
                table_o[:] = [*(f.categories or ()), np.nan]
                out_o[:, j] = table_o[col.astype(np.int64)]
                continue
            if f.kind == "integer":
                out_o[:, j] = col.astype(np.int64)
            else:
                out_o[:, j] = col
            if f.missing:
                out_o[f.missing_mask(col), j] = np.nan
        return out_o

    def encode(self, values: Any, *, source: str = "data") -> np.ndarray:
        """Rows as the model takes them (2-D array or DataFrame) to encoded rows.

        Raises ``UsageError`` naming the row, column and value that does not fit the schema.
        """
        if hasattr(values, "columns"):
            cols = [str(c) for c in values.columns]
            missing = [n for n in self.names if n not in cols]
            if missing:
                raise UsageError(
                    f"{source} lacks column(s) {', '.join(missing)}; it has: {', '.join(cols)}"
                )
            arr = values[self.names].to_numpy(dtype=object)
        else:
            arr = np.asarray(values, dtype=object)
            if arr.ndim != 2 or arr.shape[1] != len(self.features):
                raise UsageError(
                    f"{source} has shape {arr.shape}; the schema has {len(self.features)} "
                    f"features: {', '.join(self.names)}"
                )
        out = np.empty(arr.shape, dtype=np.float64)
        for j, f in enumerate(self.features):
            col = arr[:, j]
            if f.kind == "categorical":
                lookup = {c: i for i, c in enumerate(f.categories or ())}
                lookup.update({str(c): i for i, c in enumerate(f.categories or ())})
                for i, v in enumerate(col):
                    code = lookup.get(v, lookup.get(str(v)))
                    if code is None and f.missing and _is_empty(v):
                        code = int(f.encoded_high)
                    if code is None:
                        raise UsageError(
                            f"{source} row {i + 1}, column {f.name!r}: value {v!r} is not one of "
                            f"the {len(f.categories or ())} categories of {f.name!r}"
                        )
                    out[i, j] = code
            else:
                try:
                    num = col.astype(np.float64)
                except (TypeError, ValueError):
                    bad = _first_non_numeric(col)
                    raise UsageError(
                        f"{source} row {bad + 1}, column {f.name!r}: value {col[bad]!r} is not a "
                        f"number, but {f.name!r} is {f.kind}"
                    ) from None
                if f.missing:
                    num[np.isnan(num)] = f.encoded_high
                out[:, j] = num
        return out

    def describe_row(self, encoded_row: Sequence[float]) -> dict[str, str]:
        return {f.name: f.label(v) for f, v in zip(self.features, encoded_row, strict=True)}

    def row_values(self, encoded_row: Sequence[float]) -> dict[str, Any]:
        """One encoded row in the data's own form, by column (``Feature.value``)."""
        return {f.name: f.value(v) for f, v in zip(self.features, encoded_row, strict=True)}

    # -- serialisation -------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "features": [f.to_json() for f in self.features],
            "protected": list(self.protected),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Schema:
        return cls(
            features=tuple(Feature.from_json(f) for f in d["features"]),
            protected=tuple(d.get("protected", ())),
        )


def _first_non_numeric(col: np.ndarray) -> int:
    for i, v in enumerate(col):
        try:
            float(v)
        except (TypeError, ValueError):
            return i
    return 0
