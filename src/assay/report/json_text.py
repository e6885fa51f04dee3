"""The report document as JSON text: indented, keys sorted, strict (no NaN), letters of every
script written as they are ("我不喜欢", not "\\u6211\\u4e0d...": a user reading or grepping the
file finds their own sentences and labels) and characters a terminal acts on escaped (controls,
bidirectional overrides, line separators: ``core.terminal.unsafe``; lone surrogates too),
with every array of numbers (a row of a table, a box, an image) written on one line without
spaces.  Indented one value a line, an image example took 46 bytes a value (12 MB of JSON
for seven backdoor findings of three 64x64x3 images); on one line, its values' own digits
and a comma.  The data are the same as ``json.dumps(doc, indent=2, sort_keys=True)``'s."""

from __future__ import annotations

import json
import re
from typing import Any

from assay.core.terminal import unsafe

__all__ = ["dumps_document", "letters_as_written"]

_INDENT = "  "
_UNSAFE = re.compile("[^\x00-\x7f]")  # (each looked at: ``_escaped``)


def dumps_document(doc: dict[str, Any]) -> str:
    """The document as JSON text (see the module's docstring), with a trailing newline."""
    out: list[str] = []
    _write(doc, 0, out)
    out.append("\n")
    return "".join(out)


def _write(value: Any, depth: int, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        items = sorted(value.items())  # keys are strings: the document is plain JSON data
        _nested("{", "}", [(_string(k) + ": ", v) for k, v in items], depth, out)
        return
    if isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        flat = _numbers_only(value)
        if flat is not None:
            out.append(flat)
            return
        _nested("[", "]", [("", v) for v in value], depth, out)
        return
    out.append(_string(value) if isinstance(value, str) else json.dumps(value, allow_nan=False))


def _string(text: str) -> str:
    """``text`` as a JSON string: its letters as they are, what a terminal would act on (and
    a lone surrogate, which UTF-8 cannot carry) escaped as ``json.dumps`` escapes it."""
    if text.isascii():
        return json.dumps(text)
    return _UNSAFE.sub(_escaped, json.dumps(text, ensure_ascii=False))


def letters_as_written(text: str) -> str:
    """JSON text ``json.dumps(..., ensure_ascii=False)`` made, with what a terminal would act
    on (and lone surrogates) escaped as ``_string`` escapes them: characters beyond ASCII are
    found only inside its strings, so each is escaped, or kept, where it stands."""
    return text if text.isascii() else _UNSAFE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return json.dumps(char)[1:-1] if unsafe(char) or "\ud800" <= char <= "\udfff" else char


def _nested(
    opening: str, closing: str, entries: list[tuple[str, Any]], depth: int, out: list[str]
) -> None:
    pad = "\n" + _INDENT * (depth + 1)
    out.append(opening)
    for i, (prefix, v) in enumerate(entries):
        out.append(("," if i else "") + pad + prefix)
        _write(v, depth + 1, out)
    out.append("\n" + _INDENT * depth + closing)


def _numbers_only(value: list[Any] | tuple[Any, ...]) -> str | None:
    """``value`` on one line when it holds numbers (booleans, nulls), or arrays of them, only:
    its compact text holds no string and no object then (a quote or a brace)."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    if '"' in text or "{" in text:
        return None
    return text
