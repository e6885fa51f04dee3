"""A grammar's character that looks like another, named where the grammar is refused at it.

A grammar pasted from a word processor, a web page or a chat holds typographic quotes
(“das Essen”), a no-break space (``subj\\u00a0->``) or a zero-width one: refused
"expected a symbol name, found '“das Essen'" or "expected '->' after 'subj'", the
character invisible or looking right (hostile53).  Now the refusal names it (its code
point and Unicode name) and what to write instead.
"""

from __future__ import annotations

import unicodedata

__all__ = ["odd_char_hint"]

_QUOTES = "\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a\u2033\uff02"
_SPACES = "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _named(ch: str) -> str:
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'an unnamed character')}"


def odd_char_hint(ch: str) -> str:
    """What the refusal adds of ``ch``, the character it stopped at ("" for any other)."""
    if not ch:
        return ""
    if ch in _QUOTES:
        return (
            f"; {ch} ({_named(ch)}) is a typographic quote: a terminal is written in straight "
            'double quotes ("das Essen"), or single ones'
        )
    if ch in _SPACES:
        return f"; the character there is {_named(ch)}, which looks like a space: write a plain one"
    if ch in _INVISIBLE:
        return f"; the character there is {_named(ch)}, invisible: delete it"
    return ""
