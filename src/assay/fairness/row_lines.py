"""The file line of a data row, found again when an error names it.

pandas gives no line numbers: a row's line is the first data line plus its position only
when no blank line (pandas skips them) and no quoted line break comes before it.  On the
error path (never per row) the file is read again up to the row, counting its lines as
pandas read its records.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from assay.errors import UsageError
from assay.fairness.tables import _text_lines


def row_line(read_with: Any, source: str, first_line: int, position: int) -> int:
    """The line where data row ``position`` (0-based, as pandas read the rows) begins;
    ``first_line + position`` when the file cannot be read again as it was."""
    guess = first_line + position
    if not isinstance(read_with, dict) or not Path(source).is_file():
        return guess
    encoding, delimiter = str(read_with.get("encoding")), read_with.get("delimiter")
    try:
        lines = _text_lines(Path(source), source, encoding)
        if delimiter is None:  # JSON lines: one record a line, blank lines skipped
            return _jsonl_line(lines, first_line, position, guess)
        return _csv_line(lines, str(delimiter), first_line, position, guess)
    except (UsageError, OSError, csv.Error, ValueError):
        return guess


def _jsonl_line(lines: Any, first_line: int, position: int, guess: int) -> int:
    seen = -1
    for number, line in enumerate(lines, start=1):
        if number >= first_line and line.strip():
            seen += 1
            if seen == position:
                return number
    return guess


def _csv_line(lines: Any, delimiter: str, first_line: int, position: int, guess: int) -> int:
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    seen, start = -1, 1  # start: the line the next record begins on
    for row in reader:
        begins, start = start, reader.line_num + 1
        if begins < first_line or (len(row) <= 1 and not "".join(row).strip()):
            continue  # the header and before it, or a line pandas skips as blank
        seen += 1
        if seen == position:
            return begins
    return guess
