"""One line of a label map, ``CLASSIFIER LABEL -> COMMON  # comment``, read into its three
fields and the column each starts at.  A label (or a classifier's name) holding spaces is
written in double quotes; inside them a backslash escapes a double quote or a backslash
(``"say \\"hi\\""``), as in a grammar's terminals, and any other backslash is an error at its
column (a label map has nothing to guess: a label must be written exactly)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["MapLine", "MapLineError", "read_map_line"]


class MapLineError(ValueError):
    """A line that is not ``CLASSIFIER LABEL -> COMMON``: what is wrong, at ``column``."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True, slots=True)
class MapLine:
    """The fields of a line, each with its 1-based column."""

    who: str
    who_at: int
    own: str
    own_at: int
    common: str
    common_at: int


_EXPECTED = "expected 'CLASSIFIER LABEL -> COMMON_LABEL'"


def _expected(line: str) -> str:
    """What a line that is no map line should have been, naming the form it is in when it
    is a known other one: a JSON document (the API's dict written to a file) or CSV."""
    text = line.strip()
    if text[:1] in "{[":
        return (
            f"{_EXPECTED}: this looks like JSON; a label map file is lines, one a label "
            "(`2 LABEL_0 -> neg`, the classifier counted from 1), or a JSON object "
            '{"CLASSIFIER": {"LABEL": "COMMON"}} as label_map= takes it (counted from 0)'
        )
    if "->" not in text and ("," in text or "\t" in text):
        return (
            f"{_EXPECTED}: this looks like CSV (or tab-separated); write each label as "
            "`CLASSIFIER LABEL -> COMMON` (`2 LABEL_0 -> neg`), a label holding spaces in "
            "double quotes"
        )
    blanks = sorted({c for c in text if c.isspace() and c not in " \t"})
    if blanks:  # (a no-break or ideographic space: a blank between words, as a space is)
        named = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in blanks)
        return (
            f"{_EXPECTED}: the line holds {named}, read as a blank between words as a space "
            "is; a label holding it is written in double quotes, as the classifier answers it"
        )
    return _EXPECTED


def read_map_line(line: str) -> MapLine:
    """The fields of ``line`` (neither blank nor a comment), or ``MapLineError``."""
    try:
        return _read_map_line(line)
    except MapLineError as exc:
        if str(exc) != _EXPECTED:
            raise
        raise MapLineError(_expected(line), exc.column) from None


def _read_map_line(line: str) -> MapLine:
    i = _skip(line, 0)
    who_at = i
    if i < len(line) and line[i] == '"':  # a classifier whose name holds spaces, quoted
        who, i = _quoted(line, i)
    else:
        while i < len(line) and not line[i].isspace():
            i += 1
        who = line[who_at:i]
    if not who or i == len(line):
        raise MapLineError(_EXPECTED, 1)
    own_at = _skip(line, i)
    own, i = _field(line, own_at, stop_at_arrow=True)
    empty = i == own_at  # (a quoted empty label is a label)
    i = _skip(line, i)
    if empty or not line.startswith("->", i):
        raise MapLineError(_EXPECTED, 1)
    common_at = _skip(line, i + 2)
    common, i = _field(line, common_at, stop_at_arrow=False)
    empty = i == common_at
    i = _skip(line, i)
    if empty or (i < len(line) and line[i] != "#"):
        raise MapLineError(_EXPECTED, 1)
    return MapLine(who, who_at + 1, own, own_at + 1, common, common_at + 1)


def _skip(line: str, i: int) -> int:
    while i < len(line) and line[i].isspace():
        i += 1
    return i


def _field(line: str, i: int, *, stop_at_arrow: bool) -> tuple[str, int]:
    """The label starting at ``i`` (quoted, or up to a space; the own label also up to
    ``->``) and where it ends."""
    if i < len(line) and line[i] == '"':
        return _quoted(line, i)
    start = i
    while i < len(line) and not line[i].isspace():
        if stop_at_arrow and line.startswith("->", i):
            break
        i += 1
    return line[start:i], i


def _quoted(line: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i = start + 1
    while i < len(line):
        c = line[i]
        if c == "\\":
            after = line[i + 1 : i + 2]
            if after not in ('"', "\\"):
                shown = repr(after) if after else "the end of the line"
                raise MapLineError(
                    f"'\\{after}' is not an escape: in a quoted label a backslash escapes only a "
                    f'double quote (\\") or a backslash (\\\\); found before {shown}',
                    i + 1,
                )
            out.append(after)
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise MapLineError(
        'unbalanced quote: the label starting here never ends (expected ")', start + 1
    )
