"""Reading a small text file the user wrote (a grammar, a label map, a labels file, a schema):
UTF-8 (a byte-order mark dropped, as Notepad writes one), or UTF-16 when it begins with that
byte-order mark, or has none but a NUL at most odd (or even) offsets; a byte that does not
decode is a ``UsageError`` at its line and column, naming the bytes, never a codec's offset
into the file."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from assay.errors import UsageError

__all__ = ["decode_text", "read_text_file"]


def decode_text(raw: bytes, *, what: str, path: str, argument: str | None = None) -> str:
    """``raw`` as text (see the module); ``what`` names the file in the error ("the grammar")."""
    bomless = _bomless_utf16(raw)
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        encoding, start = "utf-16", 0
    elif bomless:
        encoding, start = bomless, 0
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
        likely = _likely_utf16(raw) if encoding == "utf-8" else ""
        guess = (
            f"it reads as {likely.upper()} text without a byte-order mark, few of its bytes "
            "NULs as in Chinese, Japanese or Korean text: save it as UTF-8 (an editor's 'save "
            f"as', or `iconv -f {likely.upper()[:6]}{likely.upper()[7:]} -t UTF-8 "
            f"{Path(path).name} > utf8.txt`)"
            if likely
            else "saved in another encoding, e.g. Latin-1 or Windows-1252? save it as UTF-8"
        )
        raise UsageError(
            f"{what} is not {encoding.upper()} text: byte(s) {shown} do not decode ({guess})",
            argument=argument,
            path=path,
            line=line,
            column=column,
        ) from None


def _bomless_utf16(raw: bytes) -> str:
    """ "utf-16-le" or "utf-16-be" for text saved as UTF-16 without its byte-order mark (a NUL
    in most of the bytes at odd or at even offsets: the high bytes of Latin, Greek, Cyrillic,
    Arabic and Hebrew letters, digits and marks), else "".  Read as UTF-8 it was NULs between
    its letters: "expected '->' after 's'" of a grammar that holds it."""
    if b"\x00" not in raw[:4096] or len(raw) % 2:
        return ""
    half = len(raw) // 2
    if raw[1::2].count(0) * 2 > half:
        return "utf-16-le"
    if raw[0::2].count(0) * 2 > half:
        return "utf-16-be"
    return ""


def _likely_utf16(raw: bytes) -> str:
    """ "utf-16-le" or "utf-16-be" for bytes that are not UTF-8 but are UTF-16 text without a
    byte-order mark too few of whose bytes are NULs for ``_bomless_utf16`` (Chinese text: a
    NUL in the units of its few spaces, marks and line breaks only): NULs at one parity only,
    decoding strictly into printable characters and line breaks; else "" (Latin-1 text has
    no NUL)."""
    if len(raw) % 2 or b"\x00" not in raw:
        return ""
    odd, even = raw[1::2].count(0), raw[0::2].count(0)
    if odd and even:
        return ""
    encoding = "utf-16-le" if odd else "utf-16-be"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return ""
    return encoding if all(c.isprintable() or c in "\n\r\t" for c in text) else ""


def read_text_file(path: str | os.PathLike[str], *, what: str, argument: str | None = None) -> str:
    """The text of the file at ``path`` (see the module); ``OSError`` is the caller's."""
    return decode_text(Path(path).read_bytes(), what=what, path=str(path), argument=argument)
