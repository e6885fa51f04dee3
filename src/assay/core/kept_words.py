"""The user's words that hold a line break or a tab, kept to be printed on one line.

A name the user gave (a column, a category, a model's file, an image's, a path) goes into
assay's lines as it is.  Printed raw, its new line starts a line assay never said.  The
console cannot tell such a line break from assay's own (some of its messages hold several
lines), so whoever learns such a word names it here (``keep_on_one_line``: the CLI for the
command line and a run's schema, a technique for the files it lists) and the console writes
every kept word escaped (``on_one_line``: ``job\\x0aFAKE LINE``) in every line printed after,
whichever message it is in.  A path is kept with its parts (``m\\nX.py`` of
``/d/m\\nX.py:neg``): assay names a file by its name alone too (a classifier named after its
file, an image).  ``cli.user_words`` says which words a command keeps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assay.core.terminal import one_line

__all__ = ["MOST_WORDS", "keep_on_one_line", "on_one_line"]

MOST_WORDS = 10_000
"""Words kept at most (each printed line is searched for each): a data set with more
names holding line breaks than this has the rest printed with them (escaped controls
aside, as ``core.terminal.terminal_text`` writes every line)."""

_KEPT: dict[str, str] = {}  # a word -> as printed
_ORDER: list[str] = []  # the words, longest first (a name holding another is replaced whole)
_PARTS = re.compile(r"[/\\:]")  # where a path (or a FILE.py:FUNCTION spec) is cut in parts


def keep_on_one_line(words: Iterable[object]) -> None:
    """From now on, print each of ``words`` that holds a new line or a tab escaped (the
    layout characters ``terminal_text`` keeps; it escapes every other control), and each of
    its parts that holds one."""
    added = False
    for word in words:
        if not isinstance(word, str) or not _breaks(word):
            continue
        for kept in (word, *_PARTS.split(word)):
            if len(_KEPT) >= MOST_WORDS:
                break
            if _breaks(kept) and kept.strip() and kept not in _KEPT:
                _KEPT[kept] = one_line(kept)
                added = True
    if added:
        _ORDER[:] = sorted(_KEPT, key=len, reverse=True)


def _breaks(word: str) -> bool:
    return "\n" in word or "\t" in word


def on_one_line(message: str) -> str:
    """``message`` with every kept word in it escaped (unchanged when it holds none)."""
    if not _ORDER or message.isprintable():  # (the common case, in C)
        return message
    for word in _ORDER:
        if word in message:
            message = message.replace(word, _KEPT[word])
    return message
