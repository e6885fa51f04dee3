"""``--classes`` as a list of names a comma cannot split: ``@FILE`` (one name per line, or a
JSON list) or a JSON list typed whole (``'["Coke 330ml, can", "Fanta 500ml"]'``); any other
value is the option's own text (a count, or names separated by commas)."""

from __future__ import annotations

import json
from pathlib import Path

from assay.errors import UsageError

__all__ = ["classes_given", "classes_pinned"]

_ARGUMENT = "--classes"


def classes_given(value: str | None) -> str | list[str] | None:
    """The value as the loaders take it: a list of names when it is read from a file or a
    JSON list, else the text as given."""
    if value is None:
        return None
    text = value.strip()
    if text.startswith("@"):
        return _from_file(text[1:])
    if text.startswith("["):
        return _json_names(text, path=None)
    return value


def classes_pinned(value: str | None, listed: str | list[str] | None) -> dict[str, str]:
    """The rerun command's ``--classes`` for names read from ``@FILE``: the names the run
    read, as a JSON list (``command_argv``'s ``given``).  Rerun as ``@FILE``, the file was
    read again: its names reordered or edited since, the rerun tested other classes, and
    nothing said the file had changed.  Any other value is rerun as typed."""
    if value is None or not value.strip().startswith("@") or not isinstance(listed, list):
        return {}
    return {"classes": json.dumps(listed, ensure_ascii=False)}


def _from_file(name: str) -> list[str]:
    if not name:
        raise UsageError(
            "'@' names no file: give --classes @FILE (one class name per line, in the "
            "model's order)",
            argument=_ARGUMENT,
        )
    path = Path(name).expanduser()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(
            f"cannot read the class names: {exc.strerror or exc}", argument=_ARGUMENT, path=name
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(
            "is not UTF-8 text: save the class names as UTF-8, one per line",
            argument=_ARGUMENT,
            path=name,
            line=line,
        ) from None
    if text.lstrip().startswith("["):
        return _json_names(text, path=name)
    lines = text.splitlines()
    while lines and not lines[-1].strip():  # (a file's trailing newline or blank lines)
        lines.pop()
    names = [line.strip() for line in lines]
    for number, item in enumerate(names, 1):
        if not item:
            raise UsageError(
                "is an empty line: one class name per line, in the model's order, none left out",
                argument=_ARGUMENT,
                path=name,
                line=number,
            )
    if not names:
        raise UsageError(
            "holds no class name: one per line, in the model's order", argument=_ARGUMENT, path=name
        )
    return names


def _json_names(text: str, *, path: str | None) -> list[str]:
    what = "the file" if path else "the value"
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{what} starts with '[' but is not a JSON list: {exc.msg} (write "
            '\'["Coke 330ml, can", "Fanta 500ml"]\', each name in double quotes)',
            argument=_ARGUMENT,
            path=path,
            line=exc.lineno if path else None,
            column=exc.colno if path else None,
        ) from None
    if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
        raise UsageError(
            f"{what} must be a JSON list of class names as strings, in the model's order, "
            f"not {text.strip()[:80]!r}",
            argument=_ARGUMENT,
            path=path,
        )
    return parsed
