"""Reading user data and schemas, and checking data against a schema.

- ``read_table``: CSV (delimiter sniffed), TSV, gzip-compressed CSV, Parquet, JSON lines.
- ``infer_schema``: a schema guessed from a data frame.
- ``load_schema``: a schema written by hand in YAML or JSON (format: docs/schema-format.md).
- ``check_data``: data encoded against a schema, every misfit reported with file and line.
- ``check_model_width``: the model's feature count against the schema's.

Every user mistake raises ``UsageError`` naming the file, line and column where known.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import re
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from assay.errors import UsageError
from assay.fairness.schema import Feature, Schema

__all__ = [
    "check_data",
    "check_model_width",
    "infer_schema",
    "load_schema",
    "read_table",
]

PathLike = str | os.PathLike[str]

# frame.attrs keys set by read_table, read by check_data
SOURCE_ATTR = "assay.source"
LINE_ATTR = "assay.first_line"  # file line of the first data row; None: rows have no lines

_CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
_DELIMITERS = (",", "\t", ";", "|")


# -- reading tables -------------------------------------------------------------------------
def read_table(path: PathLike) -> pd.DataFrame:
    """A data file as a DataFrame: CSV/TSV (optionally .gz), Parquet or JSON lines.

    The frame's ``attrs`` remember the file and the line of the first data row, so that
    ``check_data`` can point at the line of a bad value.
    """
    name = str(path)
    p = Path(path)
    kind = _table_kind(p, name)
    if not p.exists():
        raise UsageError("no such file", path=name)
    if p.is_dir():
        raise UsageError("is a directory, not a data file", path=name)
    if kind == "parquet":
        frame, first_line = _read_parquet(p, name), None
    elif kind == "jsonl":
        frame, first_line = _read_jsonl(p, name)
    else:
        frame, first_line = _read_csv(p, name)
    frame.attrs[SOURCE_ATTR] = name
    frame.attrs[LINE_ATTR] = first_line
    return frame


def _table_kind(p: Path, name: str) -> str:
    lower = p.name.lower()
    if lower.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(_CSV_SUFFIXES):
        return "csv"
    known = ", ".join(_CSV_SUFFIXES + _PARQUET_SUFFIXES + _JSONL_SUFFIXES)
    raise UsageError(
        f"unknown data file type; expected a name ending in one of: {known}", path=name
    )


def _read_text(p: Path, name: str) -> str:
    """The file's text, gunzipped if its name ends in .gz; UTF-8, else Latin-1."""
    try:
        if p.name.lower().endswith(".gz"):
            with gzip.open(p, "rb") as fh:
                raw = fh.read()
        else:
            raw = p.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:
        raise UsageError(f"cannot read the file: {exc}", path=name) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _read_csv(p: Path, name: str) -> tuple[pd.DataFrame, int]:
    text = _read_text(p, name)
    if not text.strip():
        raise UsageError("the file is empty", path=name)
    delimiter = "\t" if ".tsv" in p.name.lower() else _sniff_delimiter(text)
    header_line = _check_header(text, delimiter, name)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        detail = str(exc).strip().split("error: ")[-1]
        raise UsageError(f"malformed CSV row: {detail}", path=name, line=line) from None
    except (ValueError, pd.errors.EmptyDataError) as exc:
        raise UsageError(f"cannot read as CSV: {exc}", path=name) from None
    if len(frame) == 0:
        raise UsageError("the file has a header but no data rows", path=name, line=header_line)
    if frame.shape[1] > 1 and bool(frame.iloc[:, -1].isna().any()):
        _check_short_rows(text, delimiter, frame.shape[1], name)
    return frame, header_line + 1


def _sniff_delimiter(text: str) -> str:
    """The first of , TAB ; | that splits the first lines into the same number (>1) of fields."""
    lines = [ln for ln in text[:65536].splitlines()[:30] if ln.strip()]
    for delim in _DELIMITERS:
        counts = {len(row) for row in csv.reader(lines, delimiter=delim)}
        if len(counts) == 1 and counts.pop() > 1:
            return delim
    return ","


def _check_header(text: str, delimiter: str, name: str) -> int:
    """The header's line number; raises on repeated or empty column names."""
    lines = text[:65536].splitlines() or [""]
    number = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
    header = next(csv.reader([lines[number]], delimiter=delimiter, skipinitialspace=True))
    seen: set[str] = set()
    for col in header:
        if col.strip() in seen:
            raise UsageError(
                f"column {col!r} appears twice in the header", path=name, line=number + 1
            )
        seen.add(col.strip())
    return number + 1


def _check_short_rows(text: str, delimiter: str, width: int, name: str) -> None:
    """Raise on the first row with fewer fields than the header (pandas pads them silently)."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    header_seen = False
    for row in reader:
        if not row or not any(field.strip() for field in row):
            continue
        if not header_seen:
            header_seen = True
            continue
        if len(row) < width:
            raise UsageError(
                f"malformed CSV row: expected {width} fields, saw {len(row)}",
                path=name,
                line=reader.line_num,
            )


def _read_jsonl(p: Path, name: str) -> tuple[pd.DataFrame, int]:
    text = _read_text(p, name)
    records: list[dict[str, Any]] = []
    keys: list[str] | None = None
    first_line = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"not valid JSON: {exc.msg}", path=name, line=number, column=exc.colno
            ) from None
        if not isinstance(record, dict):
            raise UsageError("each line must be a JSON object", path=name, line=number)
        if keys is None:
            keys, first_line = list(record), number
        elif set(record) != set(keys):
            missing = sorted(set(keys) - set(record))
            extra = sorted(set(record) - set(keys))
            raise UsageError(
                f"keys differ from the first row's (missing: {missing}, extra: {extra})",
                path=name,
                line=number,
            )
        records.append(record)
    if keys is None:
        raise UsageError("the file is empty", path=name)
    return pd.DataFrame.from_records(records, columns=keys), first_line


def _read_parquet(p: Path, name: str) -> pd.DataFrame:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise UsageError(
            "reading Parquet needs pyarrow: pip install 'assay[parquet]'", path=name
        ) from None
    try:
        frame = pd.read_parquet(p)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read as Parquet: {exc}", path=name) from None
    if frame.shape[1] == 0 or len(frame) == 0:
        raise UsageError("the file has no data rows", path=name)
    return frame


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
    or free text, most likely).
    """
    columns = [str(c) for c in frame.columns]
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
        if p not in feature_cols:
            raise UsageError(
                f"protected attribute {p!r} is not a column; columns are: "
                f"{', '.join(feature_cols)}",
                argument="--protected",
            )
    source = str(frame.attrs.get(SOURCE_ATTR, "data"))
    features = []
    for col, name in zip(frame.columns, columns, strict=True):
        if name == target:
            continue
        features.append(_infer_feature(name, frame[col], name in wanted, max_categories, source))
    for p in protected:
        if next(f for f in features if f.name == p).kind == "continuous":
            raise UsageError(
                f"protected attribute {p!r} holds fractional numbers; list it as categorical "
                "or write a schema file that declares it integer or categorical",
                argument="--protected",
            )
    return Schema(features=tuple(features), protected=tuple(protected))


def _infer_feature(
    name: str, col: pd.Series, as_categorical: bool, max_categories: int, source: str
) -> Feature:
    values = col.dropna()
    if len(values) == 0:
        raise UsageError(f"{source}: column {name!r} holds no values")
    is_numeric = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    if as_categorical or not is_numeric:
        cats = _sorted_unique(values)
        mostly_unique = len(cats) > 0.5 * len(values)
        if not as_categorical and len(cats) > max_categories and mostly_unique:
            raise UsageError(
                f"{source}: column {name!r} holds {len(cats)} distinct non-numeric values "
                f"(more than max_categories={max_categories}); drop the column, or raise "
                "max_categories if it really is a category"
            )
        return Feature(name, "categorical", categories=tuple(cats))
    arr = values.to_numpy(dtype=np.float64)
    if not np.isfinite(arr).all():
        raise UsageError(f"{source}: column {name!r} holds an infinite value")
    low, high = float(arr.min()), float(arr.max())
    if pd.api.types.is_integer_dtype(col) or bool(np.all(arr == np.round(arr))):
        return Feature(name, "integer", low=low, high=high)
    return Feature(name, "continuous", low=low, high=high)


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
) -> np.ndarray:
    """``frame`` encoded against ``schema`` (float64, schema column order).

    Raises ``UsageError`` on a missing column, a column the schema does not list (unless named
    in ``ignore``, e.g. the label column), an empty or non-numeric value, a category the schema
    does not list, or a value outside the bounds (unless ``clip``: then it is clipped).
    Errors name the file line of the row (the header is line 1 for a frame made by hand).
    """
    where = _Where(frame, source)
    columns = [str(c) for c in frame.columns]
    missing = [n for n in schema.names if n not in columns]
    if missing:
        raise UsageError(
            f"lacks column(s) {', '.join(missing)} that the schema lists; it has: "
            f"{', '.join(columns)}",
            path=where.source,
        )
    skip = set(ignore)
    extra = [c for c in columns if c not in schema.names and c not in skip]
    if extra:
        raise UsageError(
            f"has column(s) {', '.join(extra)} that the schema does not list; drop them or "
            f"name the label column as the target (schema columns: {', '.join(schema.names)})",
            path=where.source,
        )
    by_name = dict(zip(columns, frame.columns, strict=True))
    out = np.empty((len(frame), len(schema)), dtype=np.float64)
    for j, feat in enumerate(schema.features):
        col = frame[by_name[feat.name]]
        if feat.kind == "categorical":
            out[:, j] = _encode_categorical(feat, col, where)
        else:
            out[:, j] = _encode_number(feat, col, where, clip)
    return out


class _Where:
    """Turns a row position into a file line for error messages."""

    def __init__(self, frame: pd.DataFrame, source: str | None) -> None:
        self.source = source or str(frame.attrs.get(SOURCE_ATTR, "data"))
        first = frame.attrs.get(LINE_ATTR, 2)
        self.first_line: int | None = None if first is None else int(first)

    def error(self, row: int, column: str, message: str) -> UsageError:
        line = None if self.first_line is None else self.first_line + row
        at = f"row {row + 1}, column {column!r}"
        return UsageError(f"{at}: {message}", path=self.source, line=line)


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
                "the value is empty"
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
            "the value is empty"
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


# -- schema files ----------------------------------------------------------------------------
_KINDS = ("integer", "categorical", "continuous")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)")
_TOP_KEYS = ("features", "protected", "description")
_FEATURE_KEYS = ("name", "type", "kind", "low", "high", "categories", "description")


def load_schema(path: PathLike) -> Schema:
    """A schema from a YAML or JSON file (format: docs/schema-format.md).

    Errors name the file, line and column of the offending entry.
    """
    name = str(path)
    p = Path(path)
    if not p.exists():
        raise UsageError("no such schema file", path=name)
    if p.is_dir():
        raise UsageError("is a directory, not a schema file", path=name)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the schema file: {exc}", path=name) from None
    if not text.strip():
        raise UsageError("the schema file is empty", path=name)
    node = _compose(text, name, is_json=p.suffix.lower() == ".json")
    return _SchemaReader(name, is_json=p.suffix.lower() == ".json").read(node)


def _compose(text: str, name: str, *, is_json: bool) -> yaml.Node:
    """The document's node tree (nodes carry their line and column)."""
    if is_json:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"not valid JSON: {exc.msg}", path=name, line=exc.lineno, column=exc.colno
            ) from None
        # JSON is YAML apart from tabs used as spacing; a tab is one column either way.
        try:
            composed = yaml.compose(text.replace("\t", " "), Loader=yaml.SafeLoader)
        except yaml.YAMLError:  # pragma: no cover - exotic JSON: validate without positions
            composed = yaml.representer.SafeRepresenter().represent_data(data)
        if composed is None:  # pragma: no cover - json.loads accepted it, so not empty
            raise UsageError("the schema file is empty", path=name)
        return composed
    try:
        composed = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise UsageError(
            f"not valid YAML: {problem}",
            path=name,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise UsageError(f"not valid YAML: {exc}", path=name) from None
    if composed is None:
        raise UsageError("the schema file is empty", path=name)
    return composed


class _SchemaReader:
    """Walks a YAML node tree into a Schema, raising errors that point at the node."""

    def __init__(self, path: str, *, is_json: bool = False) -> None:
        self.path = path
        self.is_json = is_json
        self._constructor = yaml.constructor.SafeConstructor()

    def error(self, node: yaml.Node, message: str) -> UsageError:
        mark = node.start_mark
        if mark is None:
            return UsageError(message, path=self.path)
        return UsageError(message, path=self.path, line=mark.line + 1, column=mark.column + 1)

    def value(self, node: yaml.Node) -> Any:
        """A node's value; plain scalars follow JSON for .json files and YAML 1.2 otherwise
        (``1e5`` is a number; ``yes``, ``no``, ``on``, ``off`` stay strings)."""
        if isinstance(node, yaml.ScalarNode) and node.style is None:
            if self.is_json:
                return json.loads(node.value)
            if node.tag.endswith(":bool") and node.value.lower() not in ("true", "false"):
                return node.value
            if node.tag.endswith(":str") and _NUMBER.fullmatch(node.value):
                return float(node.value)
        return self._constructor.construct_object(node, deep=True)

    def mapping(self, node: yaml.Node, what: str, allowed: Sequence[str]) -> dict[str, Any]:
        """Key name -> (key node, value node); refuses repeated and unknown keys."""
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} must be a mapping of keys to values")
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(self.value(key_node))
            if key in out:
                raise self.error(key_node, f"key {key!r} appears twice in {what}")
            if key not in allowed:
                raise self.error(
                    key_node, f"unknown key {key!r} in {what}; expected: {', '.join(allowed)}"
                )
            out[key] = (key_node, value_node)
        return out

    def read(self, root: yaml.Node) -> Schema:
        top = self.mapping(root, "the schema", _TOP_KEYS)
        if "features" not in top:
            raise self.error(root, "missing key 'features' (the list of features)")
        features_node = top["features"][1]
        if not isinstance(features_node, yaml.SequenceNode):
            raise self.error(features_node, "'features' must be a list of features")
        if not features_node.value:
            raise self.error(features_node, "'features' is empty; list at least one feature")
        features: list[Feature] = []
        first_seen: dict[str, yaml.Node] = {}
        for item in features_node.value:
            feat, name_node = self.feature(item)
            if feat.name in first_seen:
                line = first_seen[feat.name].start_mark
                at = f" (first at line {line.line + 1})" if line else ""
                raise self.error(name_node, f"feature {feat.name!r} appears twice{at}")
            first_seen[feat.name] = name_node
            features.append(feat)
        protected = self.protected(top.get("protected"), features)
        return Schema(features=tuple(features), protected=protected)

    def feature(self, node: yaml.Node) -> tuple[Feature, yaml.Node]:
        entry = self.mapping(node, "a feature", _FEATURE_KEYS)
        if "name" not in entry:
            raise self.error(node, "feature without a 'name'")
        name_node = entry["name"][1]
        name = self.value(name_node)
        if isinstance(name, bool) or not isinstance(name, str | int) or name == "":
            raise self.error(name_node, f"feature name {name!r} must be a non-empty string")
        name = str(name)
        if "type" in entry and "kind" in entry:
            raise self.error(entry["kind"][0], f"feature {name!r}: give 'type' or 'kind', not both")
        kind_item = entry.get("type") or entry.get("kind")
        if kind_item is None:
            raise self.error(node, f"feature {name!r} has no 'type' ({', '.join(_KINDS)})")
        kind = self.value(kind_item[1])
        if kind not in _KINDS:
            raise self.error(
                kind_item[1],
                f"feature {name!r}: unknown type {kind!r}; expected one of {', '.join(_KINDS)}",
            )
        if kind == "categorical":
            return self.categorical(name, node, entry), name_node
        return self.bounded(name, kind, node, entry), name_node

    def categorical(self, name: str, node: yaml.Node, entry: dict[str, Any]) -> Feature:
        for key in ("low", "high"):
            if key in entry:
                raise self.error(
                    entry[key][0],
                    f"feature {name!r} is categorical: give 'categories', not {key!r}",
                )
        if "categories" not in entry:
            raise self.error(node, f"categorical feature {name!r} has no 'categories'")
        cats_node = entry["categories"][1]
        if not isinstance(cats_node, yaml.SequenceNode) or not cats_node.value:
            raise self.error(cats_node, f"feature {name!r}: 'categories' must be a non-empty list")
        cats: list[Any] = []
        for item in cats_node.value:
            if not isinstance(item, yaml.ScalarNode):
                raise self.error(item, f"feature {name!r}: a category must be a single value")
            value = self.value(item)
            if value is None:
                raise self.error(item, f"feature {name!r}: a category cannot be empty (null)")
            if value in cats:
                raise self.error(item, f"feature {name!r}: category {value!r} appears twice")
            cats.append(value)
        return Feature(name, "categorical", categories=tuple(cats))

    def bounded(self, name: str, kind: str, node: yaml.Node, entry: dict[str, Any]) -> Feature:
        if "categories" in entry:
            raise self.error(
                entry["categories"][0],
                f"feature {name!r} is {kind}: 'categories' is only for categorical features",
            )
        bounds: list[float] = []
        for key in ("low", "high"):
            if key not in entry:
                raise self.error(node, f"{kind} feature {name!r} needs {key!r}")
            value = self.value(entry[key][1])
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.error(
                    entry[key][1], f"feature {name!r}: {key} {value!r} is not a number"
                )
            if not math.isfinite(value):
                raise self.error(entry[key][1], f"feature {name!r}: {key} must be finite")
            if kind == "integer" and value != int(value):
                raise self.error(
                    entry[key][1], f"integer feature {name!r}: {key} {value!r} is not whole"
                )
            bounds.append(float(value))
        if bounds[0] > bounds[1]:
            raise self.error(
                entry["low"][1],
                f"feature {name!r}: low {bounds[0]:g} is above high {bounds[1]:g}",
            )
        if kind == "integer":
            return Feature(name, "integer", low=bounds[0], high=bounds[1])
        return Feature(name, "continuous", low=bounds[0], high=bounds[1])

    def protected(self, item: Any, features: list[Feature]) -> tuple[str, ...]:
        if item is None:
            return ()
        node = item[1]
        if not isinstance(node, yaml.ScalarNode | yaml.SequenceNode):
            raise self.error(node, "'protected' must be a list of feature names")
        nodes = [node] if isinstance(node, yaml.ScalarNode) else node.value
        kinds = {f.name: f.kind for f in features}
        names: list[str] = []
        for sub in nodes:
            value = self.value(sub)
            if str(value) not in kinds:
                raise self.error(
                    sub,
                    f"protected attribute {value!r} is not a feature; features are: "
                    f"{', '.join(kinds)}",
                )
            if kinds[str(value)] == "continuous":
                raise self.error(
                    sub,
                    f"protected attribute {value!r} is continuous; declare it integer or "
                    "categorical so that every alternative value can be checked",
                )
            names.append(str(value))
        return tuple(names)
