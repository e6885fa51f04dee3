"""Reading a small text file the user wrote (a grammar, a label map, a labels file, a schema):
UTF-8 (a byte-order mark dropped, as Notepad writes one), or UTF-16 when it begins with that
byte-order mark; a byte that does not decode is a ``UsageError`` at its line and column,
naming the bytes, never a codec's offset into the file."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from assay.errors import UsageError

__all__ = ["decode_text", "read_text_file"]


def decode_text(raw: bytes, *, what: str, path: str, argument: str | None = None) -> str:
    """``raw`` as text (see the module); ``what`` names the file in the error ("the grammar")."""
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding, start = "utf-16", 0
    else:
        encoding, start = "utf-8", len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[start:].decode(encoding)
    except UnicodeDecodeError as exc:
        at = start + exc.start
        # the text before the bad byte decodes (it is valid): its lines and the last's length
        before = raw[start:at].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        shown = " ".join(f"0x{b:02x}" for b in raw[at : start + exc.end][:4])
        raise UsageError(
            f"{what} is not {encoding.upper()} text: byte(s) {shown} do not decode (saved in "
            "another encoding, e.g. Latin-1 or Windows-1252? save it as UTF-8)",
            argument=argument,
            path=path,
            line=line,
            column=column,
        ) from None


def read_text_file(path: str | os.PathLike[str], *, what: str, argument: str | None = None) -> str:
    """The text of the file at ``path`` (see the module); ``OSError`` is the caller's."""
    return decode_text(Path(path).read_bytes(), what=what, path=str(path), argument=argument)
