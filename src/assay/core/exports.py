"""Findings written for acting on them (labelling, retraining, a spreadsheet): one table as
CSV, JSON lines or one JSON document, chosen by the file's suffix, checked before a run."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assay.core.outfile import new_file, write_whole
from assay.errors import UsageError

__all__ = [
    "EXPORT_SUFFIXES",
    "check_export",
    "csv_quoting",
    "formula_safe",
    "guard_formulas",
    "write_table",
]

EXPORT_SUFFIXES = (".csv", ".jsonl", ".json")

# What a spreadsheet (Excel, LibreOffice, Google Sheets) takes for the start of a formula
# in a CSV cell (OWASP's list, and the full-width forms some locales' spreadsheets accept)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def check_export(path: str | os.PathLike[str] | None, argument: str = "--export") -> None:
    """A usage error unless ``path`` names a file a table can be exported to: checked
    before a run, so a bad name never costs the run or hides its exit code."""
    if path is None:
        return
    if Path(path).is_dir():
        raise UsageError(f"{path} is a directory; give a file name", argument=argument)
    if Path(path).suffix.lower() not in EXPORT_SUFFIXES:
        raise UsageError(
            "export to a .csv, .jsonl or .json file", argument=argument, path=str(path)
        )


def csv_quoting(frame: Any) -> int:
    """Every cell quoted when a cell or a column name holds a carriage return (a category or
    a label ``"neg\r"``), else only those that need it.  Python's CSV writer (3.11) leaves a
    lone carriage return unquoted when lines end with ``\n``, and every reader takes it for
    the end of a row: the file read back had a row too many, cut mid-cell."""
    import pandas as pd

    texts = [str(c) for c in frame.columns]
    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            texts.extend(str(v) for v in values)
    return csv.QUOTE_ALL if any("\r" in t for t in texts) else csv.QUOTE_MINIMAL


def formula_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: a leading ``'`` when it starts with what
    starts a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(1)``, ``-1+1``, a tab); a
    plain number (``-1.5``, ``+3``, ``-2e-3``) stays as it is, a number."""
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _guard_cell(value: Any) -> Any:
    return formula_safe(value) if isinstance(value, str) else value


def guard_formulas(frame: Any) -> tuple[Any, int]:
    """``frame`` with every text cell and column name a spreadsheet would run as a formula
    written ``formula_safe``, and how many were (a CSV export names the user's values, the
    model's labels and the grammar's sentences: anyone who wrote the data can write
    ``=HYPERLINK("http://...")`` into a category).  Numeric columns are left as they are;
    ``frame`` itself is not changed."""
    import pandas as pd

    changed = 0
    columns: dict[int, Any] = {}
    for at in range(frame.shape[1]):
        values = frame.iloc[:, at]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        values = values.astype(object)
        guarded = values.map(_guard_cell)
        moved = int((guarded.ne(values) & values.notna()).sum())
        if moved:
            columns[at] = guarded
            changed += moved
    names = [formula_safe(c) if isinstance(c, str) else c for c in frame.columns]
    changed += sum(a != b for a, b in zip(names, frame.columns, strict=True))
    if not changed:
        return frame, 0
    out = frame.copy()
    for at, guarded in columns.items():
        out.isetitem(at, guarded)
    out.columns = names
    return out, changed


def write_table(
    frame: Any,
    path: str | os.PathLike[str],
    argument: str = "--export",
    written_as: Mapping[str, Any] | None = None,
) -> Path:
    """Write a pandas DataFrame: ``.csv`` (no index), ``.jsonl`` (a record per line) or
    ``.json`` (a list of records); text as UTF-8, unescaped; missing values empty / null.
    ``written_as``: a CSV's ``delimiter``, ``bom`` (a UTF-8 byte-order mark first) and
    ``decimal`` mark, as the data file read was written (``,``, none and ``.`` otherwise)."""
    check_export(path, argument)
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".csv":  # opened in a spreadsheet: no cell runs as a formula
            cells = guard_formulas(frame)[0]
            how = dict(written_as or {})
            encoding = "utf-8-sig" if how.get("bom") else "utf-8"
            # (a link at the path replaced, not followed)
            with new_file(p, newline="", encoding=encoding) as fh:
                cells.to_csv(
                    fh,
                    index=False,
                    quoting=csv_quoting(cells),
                    sep=str(how.get("delimiter") or ","),
                    decimal=str(how.get("decimal") or "."),
                )
        elif suffix == ".jsonl":
            text = frame.to_json(orient="records", lines=True, force_ascii=False)
            write_whole(p, text + ("\n" if text and not text.endswith("\n") else ""))
        else:
            text = frame.to_json(orient="records", force_ascii=False, indent=1)
            write_whole(p, text + "\n")
    except OSError as exc:
        raise UsageError(
            f"cannot write: {exc.strerror or exc}", argument=argument, path=str(p)
        ) from None
    return p
