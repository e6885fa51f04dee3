"""Where a sentence's words take no space between them, beyond ASCII.

A sentence is its terminals joined by single spaces (``generate.detok``); English's marks
(``,.!?;:``) take none before them.  Languages are written otherwise: Chinese, Japanese and
Thai put no space between words ("我不喜欢" is three words; "我 不 喜欢" is not how anyone
writes, and a model trained on real text reads the spaces as noise), their punctuation
(``。、，！「」``) takes none on either side, Arabic's marks (``، ؛ ؟``) and Devanagari's danda
(``।``) none before, Spanish's ``¿ ¡`` none after, a zero-width joiner or non-joiner (Persian
writes "می‌خواهم" with one) is written between its neighbours, never with spaces around it,
and a zero-width space so beside a word of a script written without spaces (it is the
space between Thai or Khmer words; between English words it stays a word of its own).
``spaced`` applies these rules to words joined by single spaces; ``glued`` says whether the
space between two words goes.  Text of ASCII
alone never reaches here (``detok``'s rule is English's, unchanged).

These rules are the joining rule ``BEYOND_ASCII`` (2), kept in a run's configuration
(``config["spacing"]``).  A run stored before them (no such key) joined every script as
English (``ENGLISH_ONLY``, 1: "我 不 喜欢 。"); its resumed sessions, its verification and
its rerun join its sentences so too (``joined_as``; ``$ASSAY_TEXT_SPACING=1`` makes a new
run so), or its later sessions would ask other sentences than its first."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from assay.core.scripts import CJK_MARKS, UNSPACED
from assay.errors import UsageError

__all__ = [
    "BEYOND_ASCII",
    "ENGLISH_ONLY",
    "SPACING_ENV",
    "glued",
    "joined_as",
    "of_run",
    "rule",
    "spaced",
]

ENGLISH_ONLY = 1  # a space between every two terminals but before ``,.!?;:`` (any script)
BEYOND_ASCII = 2  # this module's rules beyond ASCII (runs made from 2026-12-06)
SPACING_ENV = "ASSAY_TEXT_SPACING"
_RULES = (ENGLISH_ONLY, BEYOND_ASCII)
# the rule of the run being searched, resumed or verified, innermost last (a module's list,
# not a context variable: a walk's lanes run in threads of their own and must see it too)
_ACTIVE: list[int] = []


def rule() -> int:
    """The joining rule in force: the run's (``joined_as``), else ``$ASSAY_TEXT_SPACING``,
    else ``BEYOND_ASCII``."""
    if _ACTIVE:
        return _ACTIVE[-1]
    raw = os.environ.get(SPACING_ENV, "").strip()
    if not raw:
        return BEYOND_ASCII
    if raw not in ("1", "2"):
        raise UsageError(
            f"must be 1 (every script joined as English, as runs made before 2026-12-06) or "
            f"2 (the rules of each script), not {raw!r}",
            argument=SPACING_ENV,
        )
    return int(raw)


def of_run(config: Mapping[str, Any] | None) -> int:
    """The joining rule a stored run was made with (absent: ``ENGLISH_ONLY``, the rule of
    the runs stored before it was kept)."""
    got = (config or {}).get("spacing", ENGLISH_ONLY)
    return got if got in _RULES else ENGLISH_ONLY


@contextmanager
def joined_as(the_rule: int) -> Iterator[None]:
    """Sentences joined by ``the_rule`` within the block (a run's search, resume, replay)."""
    _ACTIVE.append(the_rule)
    try:
        yield
    finally:
        _ACTIVE.pop()


_IS_UNSPACED = re.compile(f"[{UNSPACED}]")
_IS_CJK_MARK = re.compile(f"[{CJK_MARKS}]")
_CLOSING = frozenset(",.!?;:\u060c\u061b\u061f\u06d4\u0964\u0965\u2026\u203c\u2047\u2048\u2049")
_OPENING = frozenset("\u00a1\u00bf")  # ¡ ¿
# zero-width non-joiner, joiner, word joiner: parts of a word, no space on either side
_JOINERS = frozenset("\u200c\u200d\u2060")
_ZWSP = frozenset("\u200b")  # a zero-width space: the space between words written unspaced


def _made_of(word: str, marks: frozenset[str]) -> bool:
    return bool(word) and all(c in marks for c in word)


def glued(left: str, right: str) -> bool:
    """Whether the words ``left`` and ``right``, in this order, are written with no space
    between them."""
    if _made_of(right, _CLOSING):
        return True
    if not left or not right:
        return False
    if _made_of(left, _OPENING) or _made_of(left, _JOINERS) or _made_of(right, _JOINERS):
        return True
    a, b = left[-1], right[0]
    if _made_of(right, _ZWSP):  # (beside a word of an unspaced script only)
        return bool(_IS_UNSPACED.match(a))
    if _made_of(left, _ZWSP):
        return bool(_IS_UNSPACED.match(b))
    if _IS_CJK_MARK.match(a) or _IS_CJK_MARK.match(b):
        return True
    return bool(_IS_UNSPACED.match(a) and _IS_UNSPACED.match(b))


def spaced(text: str) -> str:
    """``text`` (words joined by single spaces) with the spaces ``glued`` drops taken out."""
    words = text.split(" ")
    out = words[0]
    for before, word in itertools.pairwise(words):
        out += word if glued(before, word) else " " + word
    return out
