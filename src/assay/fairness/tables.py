"""Reading user data files into data frames: CSV (delimiter sniffed), TSV, gzip-compressed
CSV, Parquet and JSON lines.  Every problem raises ``UsageError`` naming the file and line.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import zlib
from pathlib import Path
from typing import Any

import pandas as pd

from assay.errors import UsageError

__all__ = ["LINE_ATTR", "SOURCE_ATTR", "PathLike", "read_table"]

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
