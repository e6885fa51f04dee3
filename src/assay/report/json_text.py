"""The report document as JSON text: indented, keys sorted, ASCII-escaped, strict (no NaN),
with every array of numbers (a row of a table, a box, an image) written on one line without
spaces.  Indented one value a line, an image example took 46 bytes a value (12 MB of JSON
for seven backdoor findings of three 64x64x3 images); on one line, its values' own digits
and a comma.  The data are the same as ``json.dumps(doc, indent=2, sort_keys=True)``'s."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps_document"]

_INDENT = "  "


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
        _nested("{", "}", [(json.dumps(k) + ": ", v) for k, v in items], depth, out)
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
    out.append(json.dumps(value, allow_nan=False))


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
