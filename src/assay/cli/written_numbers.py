"""A number option's value is written in digits 0-9, as every number assay reads from text.

The parser reads a whole-number or decimal option as Python does: ``--max-queries 1_0`` was
10 queries and ``--top-k 1_0`` the top 10, where ``--input-shape 1_0`` and a ``--range``
holding ``1_0`` are refused (``core.numerals``).  One rule for every number on the command
line: a value holding ``_`` or a character that is not ASCII (``٨``, a full-width ``１``) is
a usage error naming the option and what to write, before the command begins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.cli.repeated import RepeatedOption, options_given
from assay.core.numerals import unwritten

__all__ = ["refuse_unwritten_numbers"]

_NUMBERS = (int, float)


def refuse_unwritten_numbers(root: Any, args: Sequence[str]) -> None:
    """Raise ``RepeatedOption`` (a usage error of the command line, exit 2) when ``args``
    give a number option (``int`` or ``float``) a value that is not written in ASCII or
    holds ``_``."""
    path, given = options_given(root, args)
    for param, name, value in given:
        annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        if annotation not in _NUMBERS:
            continue
        odd = unwritten(value)
        if odd is not None:
            raise RepeatedOption(
                f"Invalid value for '{name}': {value!r} holds {odd}",
                path,
            )
