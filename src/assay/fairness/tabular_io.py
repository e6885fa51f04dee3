"""User data and schemas: one import for the four things the API needs.

- ``read_table`` (from ``tables``): CSV (delimiter sniffed), TSV, gzip-compressed CSV,
  Parquet, JSON lines.
- ``infer_schema``: a schema guessed from a data frame.
- ``load_schema`` (from ``schema_files``): a schema written by hand in YAML or JSON
  (format: docs/schema-format.md).
- ``check_data``: data encoded against a schema, every misfit reported with file and line.
- ``check_model_width``: the model's feature count against the schema's.

Every user mistake raises ``UsageError`` naming the file, line and column where known.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from assay.core.terminal import shell_word
from assay.errors import UsageError
from assay.fairness.column_blocks import encode_numbers, numeric_features, plain_numeric
from assay.fairness.incomplete import ROWS_ATTR
from assay.fairness.row_lines import row_line
from assay.fairness.schema import LONGEST_CATEGORY, Feature, Schema, too_long
from assay.fairness.schema_files import load_schema
from assay.fairness.tables import CONVERTED_ATTR, LINE_ATTR, READ_ATTR, SOURCE_ATTR, read_table
from assay.fairness.written_names import unicode_form

__all__ = [
    "check_data",
    "check_model_width",
    "infer_schema",
    "load_schema",
    "read_table",
]


def column_names(frame: pd.DataFrame, source: str | None = None) -> list[str]:
    """A frame's column names as text (how assay names columns); two columns of one name
    (``frame[name]`` would be both) are refused, naming it."""
    columns = [str(c) for c in frame.columns]
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise UsageError(
                f"two columns are named {name!r}; give each column its own name "
                "(frame.columns = [...])",
                path=source or str(frame.attrs.get(SOURCE_ATTR, "data")),
            )
        seen.add(name)
    return columns


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- inferring a schema -----------------------------------------------------------------------
def infer_schema(
    frame: pd.DataFrame,
    *,
    protected: Sequence[str] = (),
    categorical: Iterable[str] | None = None,
    max_categories: int = 200,
    target: str | None = None,
) -> Schema:
    """A schema guessed from data: one feature per column (``target`` left out).

    Integer columns become integer features bounded by their min and max; float columns become
    continuous (integer if every value is whole); string and boolean columns, and the columns
    named in ``categorical``, become categorical with their values sorted.  A string column with
    more than ``max_categories`` values, most of them seen once, is refused (an identifier
    or free text, most likely).  Names (``protected``, ``categorical``, ``target``) that differ
    from a column's only in their Unicode form (``é`` composed or decomposed) are the column's.
    """
    columns = column_names(frame)
    # names typed composed, a header saved on macOS decomposed (``é``): the header's form
    protected = [unicode_form(p, columns) for p in protected]
    categorical = None if categorical is None else [unicode_form(c, columns) for c in categorical]
    target = None if target is None else unicode_form(target, columns)
    if len(frame) == 0:  # (each column "holds no values" would blame the column)
        raise UsageError(
            f"{frame.attrs.get(SOURCE_ATTR, 'data')} has no rows (its columns: "
            f"{', '.join(columns)}): the input space is inferred from example rows; give "
            "some, or a schema",
            argument="--data",
        )
    if target is not None and target not in columns:
        raise UsageError(
            f"target column {target!r} is not a column; columns are: {', '.join(columns)}",
            argument="--target",
        )
    feature_cols = [c for c in columns if c != target]
    wanted = set(categorical or ())
    unknown = sorted(wanted - set(feature_cols))
    if unknown:
        raise UsageError(
            f"categorical column(s) {', '.join(unknown)} not found; columns are: "
            f"{', '.join(feature_cols)}",
            argument="--categorical",
        )
    for p in protected:
        if p == target:
            raise UsageError(
                f"protected attribute {p!r} is the label column (--label): the true labels are "
                "not an input of the model; a protected attribute must be one",
                argument="--protected",
            )
        if p not in feature_cols:
            flat = (
                "; the columns are a MultiIndex: flatten them first (frame.columns = "
                "['_'.join(map(str, c)) for c in frame.columns])"
                if isinstance(frame.columns, pd.MultiIndex)
                else ""
            )
            near = [c for c in feature_cols if " ".join(c.split()).casefold() == p.casefold()]
            if near and near[0] == " ".join(near[0].split()):  # the name given is off
                flat = f"; did you mean {near[0]!r}? (names are matched exactly, case too)"
            elif near:  # 'sex ' in a header written 'age , sex , hours': the space invisible
                flat = (
                    f"; the column {near[0]!r} differs from it only in spaces or case: rename "
                    "it in the file's header (spaces around the commas: 'age , sex'?) or the "
                    "frame (frame.columns = frame.columns.str.strip())"
                )
            shown = ", ".join(repr(c) if c != c.strip() else c for c in feature_cols)
            raise UsageError(
                f"protected attribute {p!r} is not a column; columns are: {shown}{flat}",
                argument="--protected",
            )
    source = str(frame.attrs.get(SOURCE_ATTR, "data"))
    dtypes = frame.dtypes.tolist()
    numeric = [
        (col, name)
        for col, name, dtype in zip(frame.columns, columns, dtypes, strict=True)
        if name != target and name not in wanted and plain_numeric(dtype)
    ]
    found = numeric_features(frame, [c for c, _ in numeric], [n for _, n in numeric])
    features = []
    for col, name in zip(frame.columns, columns, strict=True):
        if name == target:
            continue
        feature = found.get(name)
        if feature is None:
            feature = _infer_feature(name, frame[col], name in wanted, max_categories, source)
        features.append(feature)
    for p in protected:
        if next(f for f in features if f.name == p).kind == "continuous":
            col = frame[next(c for c, n in zip(frame.columns, columns, strict=True) if n == p)]
            quarters = np.quantile(col.dropna().to_numpy(dtype=np.float64), [0.25, 0.5, 0.75])
            edges = ",".join(f"{float(f'{q:.3g}'):g}" for q in dict.fromkeys(quarters))
            raise UsageError(
                f"protected attribute {p!r} holds fractional numbers: an alternative value "
                f"of each would be another number, never all of them; test it by bins, e.g. "
                f"at its quartiles: --protected {shell_word(f'{p}:bins={edges}')} (in Python "
                f"protected='{p}:bins={edges}'), or round it to whole numbers",
                argument="--protected",
            )
    return Schema(features=tuple(features), protected=tuple(protected))


def _infer_feature(
    name: str, col: pd.Series, as_categorical: bool, max_categories: int, source: str
) -> Feature:
    values = col.dropna()
    if len(values) == 0:
        unnamed = name.startswith("Unnamed: ")  # pandas' name for an empty header cell
        why = (
            " and no name in the header (a separator at the end of every line?)" if unnamed else ""
        )
        raise UsageError(
            f"{source}: column {name!r} holds no values{why}: {_set_aside(name)}",
            argument="--data",
        )
    types = pd.api.types
    if (
        types.is_datetime64_any_dtype(col)
        or types.is_timedelta64_dtype(col)
        or isinstance(col.dtype, pd.PeriodDtype)
    ):
        raise UsageError(
            f"{source}: column {name!r} holds dates or times ({col.dtype}); assay searches "
            f"numbers and categories: {_set_aside(name)}, or make it one (a year, a day "
            "number)",
            argument="--data",
        )
    is_numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    if as_categorical or not is_numeric:
        try:
            cats = _sorted_unique(values)
        except TypeError:  # lists, dicts (nested JSON): values that cannot be categories
            odd = next(v for v in values.tolist() if not isinstance(v, Hashable))
            raise UsageError(
                f"{source}: column {name!r} holds {type(odd).__name__} values such as "
                f"{_short(odd)}; assay's categories are text, numbers or booleans: drop the "
                "column, or make it one (e.g. its length, or its text)",
                argument="--data",
            ) from None
        mostly_unique = len(cats) > 0.5 * len(values)
        if not as_categorical and len(cats) > max_categories and mostly_unique:
            raise UsageError(
                f"{source}: column {name!r} holds {len(cats)} distinct non-numeric values "
                f"(more than max_categories={max_categories}): an identifier or free text? "
                f"{_set_aside(name)}; or raise max_categories if it really is a category"
            )
        long = too_long(cats)
        if long is not None:
            raise UsageError(
                f"{source}: column {name!r} holds a value of {len(long):,} characters "
                f"({_short(long)}); a category is at most {LONGEST_CATEGORY:,} (a longer one "
                "is free text, or a CSV cell whose closing quote is missing swallowed the "
                f"lines after it): {_set_aside(name)}, or fix the file",
                argument="--data",
            )
        odd = next((c for c in cats if not isinstance(c, str | int | float | bool)), None)
        if odd is not None:  # a category is stored and reported as JSON
            raise UsageError(
                f"{source}: column {name!r} holds {type(odd).__name__} values such as "
                f"{odd!r}; assay's categories are text, numbers or booleans: convert the "
                "column (e.g. to text) or drop it",
                argument="--data",
            )
        return Feature(name, "categorical", categories=tuple(cats))
    exact = 2**53  # the largest whole number below which every one is a float64
    if pd.api.types.is_integer_dtype(col) and (
        int(values.max()) > exact or int(values.min()) < -exact
    ):
        big = int(values[(values > exact) | (values < -exact)].iloc[0])
        raise UsageError(
            f"{source}: column {name!r} holds whole numbers beyond 2**53 such as {big}, which "
            "assay's rows of floats cannot hold exactly (the model would be given other "
            f"numbers); an identifier? {_set_aside(name)}, or make it text (a category)",
            argument="--data",
        )
    arr = values.to_numpy(dtype=np.float64)
    if not np.isfinite(arr).all():
        raise UsageError(f"{source}: column {name!r} holds an infinite value")
    low, high = float(arr.min()), float(arr.max())
    if pd.api.types.is_integer_dtype(col) or bool(np.all(arr == np.round(arr))):
        return Feature(name, "integer", low=low, high=high)
    return Feature(name, "continuous", low=low, high=high)


def _set_aside(name: str) -> str:
    """How to leave a column that is not an input of the model out of the test."""
    return (
        f"if the model does not take it, set it aside (--drop {shell_word(name)}; in Python "
        f"drop=[{name!r}])"
    )


def _sorted_unique(values: pd.Series) -> list[Any]:
    uniques = [v.item() if isinstance(v, np.generic) else v for v in pd.unique(values)]
    try:
        return sorted(uniques)
    except TypeError:
        return sorted(uniques, key=lambda v: (type(v).__name__, str(v)))


# -- checking data against a schema ----------------------------------------------------------
def check_data(
    schema: Schema,
    frame: pd.DataFrame,
    *,
    source: str | None = None,
    clip: bool = False,
    ignore: Iterable[str] = (),
    dtype: Any = np.float64,
) -> np.ndarray:
    """``frame`` encoded against ``schema`` (schema column order), as ``dtype`` (float64), or
    with ``dtype=None`` the smallest float type that holds every encoded value exactly
    (float32 when every feature is categorical or an integer within +-2**24: half the memory
    for a large file).

    Raises ``UsageError`` on a missing column, a column the schema does not list (unless named
    in ``ignore``, e.g. the label column), an empty or non-numeric value, a category the schema
    does not list, or a value outside the bounds (unless ``clip``: then it is clipped).
    Errors name the file line of the row, or its index label in a DataFrame made in memory.
    """
    where = _Where(frame, source)
    columns = column_names(frame, source)
    names = schema.names  # once: a list per call, and sets for look-ups (12,000 columns)
    have, listed = set(columns), set(names)
    missing = [n for n in names if n not in have]
    if missing:
        raise UsageError(
            f"lacks column(s) {', '.join(missing)} that the schema lists; it has: "
            f"{', '.join(columns)}",
            path=where.source,
        )
    skip = set(ignore)
    extra = [c for c in columns if c not in listed and c not in skip]
    if extra:
        raise UsageError(
            f"has column(s) {', '.join(extra)} that the schema does not list; set them aside "
            f"(--drop {shell_word(','.join(extra))}) or name the label column (--label) "
            "(schema columns: "
            f"{', '.join(names)})",
            path=where.source,
        )
    by_name = dict(zip(columns, frame.columns, strict=True))
    out = np.empty((len(frame), len(schema)), dtype=_encoded_dtype(schema, dtype))
    dtypes = dict(zip(columns, frame.dtypes.tolist(), strict=True))
    numeric = [
        j
        for j, feat in enumerate(schema.features)
        if feat.kind != "categorical" and plain_numeric(dtypes[feat.name])
    ]
    features = schema.features
    cols = [by_name[features[j].name] for j in numeric]
    bad = encode_numbers(frame, cols, [features[j] for j in numeric], out, numeric, clip=clip)
    done = set(numeric) - bad  # written; the rest (and any to name) one column at a time
    for j, feat in enumerate(schema.features):
        if j in done:
            continue
        col = frame[by_name[feat.name]]
        if feat.kind == "categorical":
            out[:, j] = _encode_categorical(feat, col, where)
        else:
            out[:, j] = _encode_number(feat, col, where, clip)
    return out


def _encoded_dtype(schema: Schema, dtype: Any) -> np.dtype[Any]:
    if dtype is not None:
        given: np.dtype[Any] = np.dtype(dtype)
        return given
    exact = bool(schema.discrete.all()) and all(
        abs(v) <= 2**24 for f in schema.features for v in (f.encoded_low, f.encoded_high)
    )
    out: np.dtype[Any] = np.dtype(np.float32) if exact else np.dtype(np.float64)
    return out


# how a table assay converted (``CONVERTED_ATTR``: its package) drops its rows with an empty
# value, in its own words (left53b: polars data was told pandas' ``frame.dropna()``)
_DROP_EMPTY = {"polars": "frame.drop_nulls()", "pyarrow": "table.drop_null()"}


class _Where:
    """Turns a row position into a file line for error messages (a DataFrame made in memory,
    not read by assay, has no lines: its rows go by their index labels; a polars DataFrame or
    a pyarrow Table has no index either: its rows go by their numbers alone)."""

    def __init__(self, frame: pd.DataFrame, source: str | None) -> None:
        self.source = source or str(frame.attrs.get(SOURCE_ATTR, "data"))
        in_file = SOURCE_ATTR in frame.attrs
        self.index = None if in_file else frame.index
        self.labelled = self.index is not None and CONVERTED_ATTR not in frame.attrs
        origin = str(frame.attrs.get(CONVERTED_ATTR, "")).split(".")[0]
        self.drop_empty = _DROP_EMPTY.get(origin, "frame.dropna()")
        # rows were set aside (--missing drop): each kept row's position in the data as given
        self.positions = frame.attrs.get(ROWS_ATTR)
        first = frame.attrs.get(LINE_ATTR, 2 if in_file else None)
        self.first_line: int | None = None if first is None else int(first)
        self.read_with = frame.attrs.get(READ_ATTR)  # to find a row's line again
        self.file = str(frame.attrs.get(SOURCE_ATTR, ""))

    def error(self, row: int, column: str, message: str) -> UsageError:
        place = row if self.positions is None else int(self.positions[row])
        line = (
            None
            if self.first_line is None
            else row_line(self.read_with, self.file, self.first_line, place)
        )
        label = (
            f" (index {_plain(self.index[row])!r})"
            if self.labelled and self.index is not None
            else ""
        )
        at = f"row {place + 1}{label}, column {column!r}"
        return UsageError(f"{at}: {message}", path=self.source, line=line)

    def missing(self, col: pd.Series) -> str:
        """What to say of an empty value in ``col``: how many there are, and what to do."""
        n = int(col.isna().sum())
        many = f" ({n:,} rows are)" if n > 1 else ""
        fix = (
            "; set the rows with an empty value aside with --missing drop, test the empty "
            "value as one more value with --missing value (a model that reads missing "
            "values), or fill them"
            if self.index is None
            else '; set such rows aside with missing="drop", test the empty value as one '
            'more value with missing="value" (a model that reads missing values), or drop '
            f"or fill them first ({self.drop_empty})"
        )
        return f"the value is empty{many}{fix}"


def _encode_categorical(feat: Feature, col: pd.Series, where: _Where) -> np.ndarray:
    cats = feat.categories or ()
    lookup: dict[Any, int] = {c: i for i, c in enumerate(cats)}
    mapped = col.map(lookup).to_numpy(dtype=np.float64, na_value=np.nan)
    codes: np.ndarray = np.array(mapped, dtype=np.float64)  # a writable copy
    unmatched = np.isnan(codes)
    if unmatched.any():
        by_text = {str(c): i for i, c in enumerate(cats)}
        again = col[unmatched].astype(str).str.strip().map(by_text)
        codes[unmatched] = again.to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.flatnonzero(np.isnan(codes))
        if bad.size:
            value = _plain(col.iloc[int(bad[0])])
            shown = ", ".join(map(repr, cats[:10])) + (", ..." if len(cats) > 10 else "")
            problem = (
                where.missing(col)
                if _is_missing(value)
                else f"value {value!r} is not one of the {len(cats)} categories ({shown})"
            )
            raise where.error(int(bad[0]), feat.name, problem)
    return codes


def _encode_number(feat: Feature, col: pd.Series, where: _Where, clip: bool) -> np.ndarray:
    num: np.ndarray = pd.to_numeric(col, errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    bad = np.flatnonzero(~np.isfinite(num))
    if bad.size:
        value = _plain(col.iloc[int(bad[0])])
        problem = (
            where.missing(col)
            if _is_missing(value)
            else f"value {value!r} is not a number, but {feat.name!r} is {feat.kind}"
        )
        raise where.error(int(bad[0]), feat.name, problem)
    if feat.kind == "integer":
        frac = np.flatnonzero(num != np.round(num))
        if frac.size:
            value = _plain(col.iloc[int(frac[0])])
            raise where.error(
                int(frac[0]), feat.name, f"value {value!r} is not a whole number (integer column)"
            )
    low, high = feat.encoded_low, feat.encoded_high
    outside = np.flatnonzero((num < low) | (num > high))
    if outside.size and not clip:
        value = _plain(col.iloc[int(outside[0])])
        raise where.error(
            int(outside[0]),
            feat.name,
            f"value {value!r} is outside the bounds [{low:g}, {high:g}] of {feat.name!r} "
            f"({outside.size} row(s) are); widen the bounds in the schema or clip the data",
        )
    if clip:
        num = np.clip(num, low, high)
    return num


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (so that messages show 95, not np.int64(95))."""
    return value.item() if isinstance(value, np.generic) else value


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return bool(pd.isna(value)) if np.ndim(value) == 0 else False


def check_model_width(schema: Schema, n_features_model: int) -> None:
    """Raise if the model takes a different number of features than the schema lists."""
    if int(n_features_model) != len(schema):
        raise UsageError(
            f"the model takes {n_features_model} features but the schema has {len(schema)}: "
            f"{', '.join(schema.names)}"
        )
