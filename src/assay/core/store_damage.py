"""A stored row whose bytes no longer parse: a store error naming the run, not a bug.

SQLite keeps no checksum of a row's content: a byte flipped on disk, in a CI cache or by a
copy inside a JSON column or a witness blob reads back as the page holds it, and the parse of
it failed as an internal error (exit 5, "a bug in assay": ``JSONDecodeError``, "data type
'<im' not understood", "buffer size must be a multiple of element size") in `assay runs`,
`show`, `report`, `verify` and `resume`.  It is the store's damage: said as such (exit 4), with
the run and what of it does not read, and the salvage line that copies the runs that read.
"""

from __future__ import annotations

import contextlib
import sqlite3
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

from assay.core.store_file import damage_hint
from assay.errors import AssayError, StoreError

__all__ = ["PARSE_ERRORS", "DamagedRowError", "stored_row"]

# what parsing a stored JSON text or columnar blob raises on bytes that changed under it
# (json.JSONDecodeError and UnicodeDecodeError are ValueErrors; numpy's dtype and buffer
# refusals TypeError and ValueError; a header missing its keys KeyError)
PARSE_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    EOFError,
    zlib.error,
    struct.error,
)


class DamagedRowError(StoreError):
    """A run's stored row that does not parse (the file's pages read, their content not)."""

    def __init__(self, message: str, *, run_id: str) -> None:
        super().__init__(message)
        self.run_id = run_id


@contextlib.contextmanager
def stored_row(path: Path | str, run_id: str, what: str) -> Iterator[None]:
    """Parse ``run_id``'s ``what`` (its record, its findings, its resume state) within: a
    parse failure is a ``DamagedRowError`` naming the store, the run and the salvage line.
    assay's own errors pass through as they are."""
    try:
        yield
    except AssayError:
        raise
    except sqlite3.OperationalError as exc:  # (SQLite's json_extract of a brief listing)
        if "malformed json" not in str(exc).lower():
            raise
        raise _damaged(path, run_id, what, str(exc)) from exc
    except PARSE_ERRORS as exc:
        raise _damaged(path, run_id, what, f"{type(exc).__name__}: {exc}") from exc


def _damaged(path: Path | str, run_id: str, what: str, reason: str) -> DamagedRowError:
    if len(reason) > 200:
        reason = reason[:200] + "..."
    return DamagedRowError(
        f"{path}: run {run_id}'s {what} does not read ({reason})" + damage_hint(path, "malformed"),
        run_id=run_id,
    )
