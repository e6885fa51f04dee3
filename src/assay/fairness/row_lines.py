"""The file line of a data row, found again when an error names it.

pandas gives no line numbers: a row's line is the first data line plus its position only
when no blank line (pandas skips them) and no quoted line break comes before it.  On the
error path (never per row) the file is read again up to the row, counting its lines as
pandas read its records; so are an IDI's data rows' lines, once, when its findings frame
is asked for (``FileLines``, left53).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assay.errors import UsageError
from assay.fairness.tables import _text_lines


def row_line(read_with: Any, source: str, first_line: int, position: int) -> int:
    """The line where data row ``position`` (0-based, as pandas read the rows) begins;
    ``first_line + position`` when the file cannot be read again as it was."""
    return lines_of(read_with, source, first_line, [position])[position]


def lines_of(
    read_with: Any, source: str, first_line: int, positions: Sequence[int]
) -> dict[int, int]:
    """The line each of the data rows ``positions`` begins on, the file read once up to the
    last of them; ``first_line + position`` each when it cannot be read again as it was."""
    wanted = sorted(set(positions))
    guess = {p: first_line + p for p in wanted}
    if not wanted or not isinstance(read_with, dict) or not Path(source).is_file():
        return guess
    encoding, delimiter = str(read_with.get("encoding")), read_with.get("delimiter")
    try:
        lines = _text_lines(Path(source), source, encoding)
        if delimiter is None:  # JSON lines: one record a line, blank lines skipped
            starts = _jsonl_starts(lines, first_line)
        else:
            starts = _csv_starts(lines, str(delimiter), first_line)
        found: dict[int, int] = {}
        targets = iter(wanted)
        target = next(targets)
        for seen, begins in enumerate(starts):
            if seen == target:
                found[target] = begins
                target = next(targets, -1)
                if target < 0:
                    break
        return {p: found.get(p, guess[p]) for p in wanted}
    except (UsageError, OSError, csv.Error, ValueError):
        return guess


def _jsonl_starts(lines: Iterable[str], first_line: int) -> Iterator[int]:
    for number, line in enumerate(lines, start=1):
        if number >= first_line and line.strip():
            yield number


def _csv_starts(lines: Iterable[str], delimiter: str, first_line: int) -> Iterator[int]:
    reader = csv.reader(lines, delimiter=delimiter, skipinitialspace=True)
    start = 1  # the line the next record begins on
    for row in reader:
        begins, start = start, reader.line_num + 1
        if begins < first_line or (len(row) <= 1 and not "".join(row).strip()):
            continue  # the header and before it, or a line pandas skips as blank
        yield begins


class FileLines:
    """The lines of a data file's rows tested, found only when asked (a findings frame's
    ``line`` column: one pass over the file up to the last row asked, never during the
    search).  ``positions``: each row's position in the file's data rows where rows were set
    aside (``--missing drop``), else None."""

    def __init__(
        self, read_with: Any, source: str, first_line: int, n: int, positions: Any = None
    ) -> None:
        self.read_with, self.source, self.first_line = read_with, source, first_line
        self.n, self.positions = n, positions
        self._known: dict[int, int] = {}  # (asked once: a later findings frame reads none)

    def __len__(self) -> int:
        return self.n

    def lines(self, rows: Sequence[int]) -> list[int | None]:
        """Each row's line (None for -1, no data row)."""
        places = [
            (int(r) if self.positions is None else int(self.positions[r]))
            if 0 <= r < self.n
            else -1
            for r in rows
        ]
        asked = [p for p in places if p >= 0 and p not in self._known]
        if asked:
            self._known.update(lines_of(self.read_with, self.source, self.first_line, asked))
        return [self._known[p] if p >= 0 else None for p in places]
