"""A data file's lines bounded as they are read: a line longer than a table's row can be
(a file without line breaks, a cell whose closing quote is missing that swallowed the rest
of the file) is refused when the reader reaches that bound, before the CSV parser holds it
whole (pandas took 5.4 times a 500 MB line in memory, 10.8 s, before refusing its cell).
"""

from __future__ import annotations

import io
from typing import IO

from assay.errors import UsageError

__all__ = ["MAX_LINE_BYTES", "LineBound"]

MAX_LINE_BYTES = 16 << 20
"""The longest line of a data file (bytes): a header of about a million columns, a row of
12,000 columns of long categories (``fairness.schema.LONGEST_CATEGORY``) and free text."""


class LineBound(io.RawIOBase):
    """``inner``'s bytes as they are, raising ``UsageError`` (the file, the line, the
    bound) once a line grows past ``limit`` bytes without ending."""

    def __init__(
        self, inner: IO[bytes], name: str, limit: int | None = None, *, what: str = ""
    ) -> None:
        """``what``: the file's kind and why such a line is refused, when it is not a data
        file's ("a schema file": the error then says so)."""
        super().__init__()
        self.what = what
        self.inner = inner
        self.name_shown = name
        self.limit = MAX_LINE_BYTES if limit is None else limit
        self.open_line = 0  # bytes of the line being read, not ended yet
        self.lines = 0  # lines ended so far

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        first = data.find(b"\n")
        if first < 0:
            self.open_line += n
        else:
            self.open_line += first
            if self.open_line <= self.limit:  # (lines inside one block are shorter)
                self.lines += data.count(b"\n")
                self.open_line = n - data.rfind(b"\n") - 1
        if self.open_line > self.limit:
            why = self.what or (
                "a data file): not a row of a table (a file without line breaks, or a cell "
                "whose closing quote is missing swallowed the lines after it"
            )
            raise UsageError(
                f"a line longer than {self.limit:,} bytes (the bound on one line of {why}); "
                "fix the file",
                path=self.name_shown,
                line=self.lines + 1,
            )
        return n

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()
