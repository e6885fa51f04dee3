"""Text a terminal shows rather than acts on, and commands that still work pasted.

Column names, category values, labels, file names and a served model's answers reach the
terminal in assay's lines; a string holding ``ESC ] 0 ; ... BEL`` sets the terminal's title,
``ESC [ 2 J`` clears it, U+202E reverses the rest of the line.  ``terminal_text`` writes
every such character as an escape (``\\x1b``, ``\\u202e``); ``shell_join`` writes a command
word that holds one as a ``$'...'`` word (bash, zsh, ksh), so that the printed command runs
with the same arguments when pasted.
"""

from __future__ import annotations

import shlex
import unicodedata
from collections.abc import Sequence

__all__ = [
    "LONGEST_LINE",
    "escape_char",
    "one_line",
    "shell_join",
    "shell_word",
    "shown_command",
    "terminal_text",
    "unsafe",
]

_JOINERS = frozenset("\u200c\u200d")  # zero-width (non-)joiners: parts of emoji and scripts
_LAYOUT = frozenset("\n\t")  # assay's own lines hold these; a terminal only moves with them


def unsafe(char: str) -> bool:
    """A character a terminal acts on rather than shows: C0 and C1 controls (ESC starts an
    ANSI sequence, U+009B is one on its own), DEL, line and paragraph separators, and format
    characters such as the bidirectional overrides that reorder the rest of the line and the
    invisible tag characters that can hide text."""
    kind = unicodedata.category(char)
    return kind in ("Cc", "Zl", "Zp") or (kind == "Cf" and char not in _JOINERS)


def escape_char(char: str) -> str:
    """``\\xNN`` below U+0080 (as bash's ``$'...'`` reads it), else ``\\uNNNN``."""
    code = ord(char)
    if code < 0x80:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


LONGEST_LINE = 20_000
"""Characters of the longest message printed whole: a longer one (a data file's 10 MB cell
quoted in an error printed 10 MB) keeps its start and its end."""


def terminal_text(text: str) -> str:
    """``text`` with every character a terminal would act on (new lines and tabs aside)
    written as its escape, and its middle cut when it is longer than ``LONGEST_LINE``; text
    without either is returned as it is."""
    if len(text) > LONGEST_LINE:
        half = LONGEST_LINE // 2
        cut = len(text) - 2 * half
        text = f"{text[:half]} [... {cut:,} characters cut ...] {text[-half:]}"
    if text.isprintable():  # the common case, in C
        return text
    return "".join(escape_char(c) if c not in _LAYOUT and unsafe(c) else c for c in text)


def one_line(word: str) -> str:
    """``word`` with every character a terminal acts on written as its escape, new lines
    and tabs included: a user's name (a column named ``job\\nFAKE``) printed inside one of
    assay's lines, which a line break of its own would split into a line assay never said."""
    return "".join(escape_char(c) if unsafe(c) else c for c in word)


def shell_word(word: str) -> str:
    """One word as the shell reads it back: ``shlex.quote``'s, or ``$'...'`` when it holds
    a control character."""
    if not any(unsafe(c) for c in word):
        return shlex.quote(word)
    body = "".join(escape_char(c) if unsafe(c) else "\\" + c if c in "\\'" else c for c in word)
    return f"$'{body}'"


def shell_join(words: Sequence[str]) -> str:
    """``shlex.join``, but a word holding a control character is written ``$'...'`` with
    the character escaped: pasted into bash, zsh or ksh it is the same word."""
    return " ".join(shell_word(w) for w in words)


def shown_command(command: str) -> str:
    """A command line (``shlex.join``'s) as printed: unchanged unless a word holds a control
    character, then rejoined by ``shell_join``; a line that does not split stays as it is
    (the terminal's own escaping, ``terminal_text``, still applies to it)."""
    if command.isprintable():
        return command
    try:
        return shell_join(shlex.split(command))
    except ValueError:
        return command
