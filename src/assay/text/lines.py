"""The lines of a grammar or label map file as an editor and NLTK count them."""

from __future__ import annotations

__all__ = ["file_lines"]


def file_lines(text: str) -> list[str]:
    """``text`` split at its line ends (``\\n``, ``\\r\\n`` or ``\\r``) only.

    ``str.splitlines`` also splits at form feeds, U+0085, U+001C-U+001E and the Unicode line
    and paragraph separators: a terminal holding one (text scraped from the web often does)
    was cut in two and refused as an unbalanced quote, and every line after it was numbered
    one too far, so the errors named lines the editor does not show.  NLTK's
    ``CFG.fromstring`` splits at ``\\n`` and loads such a grammar.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
