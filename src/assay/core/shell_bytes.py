"""A command line printed for a terminal whose encoding cannot write every character of it,
written so that pasted there it is still the command that ran.

A run started in a UTF-8 terminal with a label, a column or a folder named in Chinese, shown
later in an ISO-8859-1 one (``assay show``, a resume line): the characters came out
backslash-escaped (``--label '\\u9ad8'``), and the line pasted gave assay the label
``\\u9ad8``.  No byte sequence typed in such a terminal reaches Python as ``高``: Python
decodes its arguments in the terminal's encoding.  So the line is written as the bytes the
run's own process was given, in bash/zsh's ``$'...'`` quoting (``$'\\xe9\\xab\\x98'``, the
same bytes in any locale), after ``PYTHONUTF8=1`` (Python reads them as UTF-8, as the run's
did); a folder in ``cd DIR &&`` is the same bytes (the shell passes them as they are).  A
character the terminal's encoding holds but its output stream cannot write
(``PYTHONIOENCODING=ascii``) is written as its bytes in that encoding, without the setting.

A line every character of which the terminal writes is left as it is; so is one this module
cannot read as a command line (``shlex``'s quoting and ``$'...'`` words, joined by ``&&``).
"""

from __future__ import annotations

import re
import shlex
import sys
from collections.abc import Sequence

__all__ = ["for_terminal"]

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_BARE = re.compile(r"[\w@%+=:,./-]")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
            "e": "\x1b", "E": "\x1b", "\\": "\\", "'": "'", '"': '"', "?": "?"}  # fmt: skip
UTF8_MODE = "PYTHONUTF8=1"
_AND = None  # the ``&&`` between two commands, among the words
Part = tuple[str | None, str] | None  # (a setting's name or None, the word), or ``_AND``


def for_terminal(
    line: str, *, encodings: Sequence[str] | None = None, argv_encoding: str | None = None
) -> str:
    """``line`` (words quoted by ``shlex.quote`` or as ``$'...'``, commands joined by ``&&``,
    settings ``NAME=value`` before a command) as it pastes in this terminal: unchanged when
    every stream in ``encodings`` (default: stdout's and stderr's) writes it and
    ``argv_encoding`` (default: the file system's, in which Python reads arguments) holds
    it; else each word that holds a character beyond ASCII written as its bytes."""
    if line.isascii():
        return line
    terminal = _terminal()
    if encodings is None:
        streams = (sys.stdout, sys.stderr)
        encodings = [e for s in streams if isinstance(e := getattr(s, "encoding", None), str)]
        encodings += [terminal] if terminal else []
    # (under ``PYTHONUTF8=1`` in such a terminal, as the line pasted runs: the setting for
    # one command, not the shell's)
    argv_encoding = argv_encoding or terminal or sys.getfilesystemencoding()
    if all(_writes(line, e) for e in encodings) and _holds(line, argv_encoding):
        return line
    try:
        parts = _parts(line)
    except (ValueError, IndexError):  # (not a line of ours: as it was)
        return line
    # a word the terminal's encoding cannot hold came from another terminal's (UTF-8)
    utf8 = not all(_holds(p[1], argv_encoding) for p in parts if p is not _AND)
    encoding = "utf-8" if utf8 else argv_encoding
    out: list[str] = []
    placed, last = False, 0  # (``last``: where the last command begins in ``out``)
    for index, part in enumerate(parts):
        if part is _AND:
            out.append("&&")
            last = len(out)
            continue
        name, word = part
        before = parts[index - 1] if index else _AND
        # (the command's word, after ``&&`` or settings: the setting just before it)
        if (
            utf8
            and not placed
            and name is None
            and word == "assay"
            and (before is _AND or _set(before))
        ):
            out.append(UTF8_MODE)
            placed = True
        shown = _word(word, encoding, encodings, every=utf8)
        out.append(shown if name is None else f"{name}={shown}")
    if utf8 and not placed:  # (no ``assay`` word: before the last command)
        out.insert(last, UTF8_MODE)
    return " ".join(out)


def _terminal() -> str | None:
    """The terminal's encoding when it is neither UTF-8 nor ASCII (``LC_ALL=C``, where Python
    reads and writes UTF-8), which Python's streams do not say under ``PYTHONUTF8=1``."""
    import codecs
    import locale

    try:
        name = codecs.lookup(locale.getencoding()).name
    except (LookupError, AttributeError, ValueError):
        return None
    return None if name in ("utf-8", "ascii") else name


def _set(part: Part) -> bool:
    return part is not None and part[0] is not None


def _writes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def _holds(text: str, encoding: str) -> bool:
    """Whether ``text`` can be given as an argument in ``encoding`` (surrogates: its bytes)."""
    try:
        text.encode(encoding, "surrogateescape")
    except (UnicodeError, LookupError):
        return False
    return True


def _word(word: str, encoding: str, encodings: Sequence[str], *, every: bool) -> str:
    """``word`` quoted: ``shlex.quote``'s when the terminal writes it (and ``every`` is false,
    or it is ASCII), else ``$'...'`` with each character beyond ASCII (and each control) as
    the ``\\xNN`` escapes of its bytes in ``encoding``."""
    plain = word.isascii() or not every
    if plain and word.isprintable() and all(_writes(word, e) for e in encodings):
        return shlex.quote(word)
    body = []
    for char in word:
        if char.isascii() and char.isprintable():
            body.append("\\" + char if char in "\\'" else char)
        else:
            raw = char.encode(encoding, "surrogateescape") if not char.isascii() else char.encode()
            body.append("".join(f"\\x{b:02x}" for b in raw))
    return f"$'{''.join(body)}'"


def _parts(line: str) -> list[Part]:
    """The line's words, each as (setting's name or None, word), and ``_AND``; ValueError for
    a line of any other shape."""
    parts: list[Part] = []
    i, n = 0, len(line)
    while i < n:
        if line[i] == " ":
            i += 1
            continue
        if line.startswith("&&", i) and (i + 2 == n or line[i + 2] == " "):
            parts.append(_AND)
            i += 2
            continue
        name = None
        setting = _NAME.match(line, i)
        first = not parts or parts[-1] is _AND or _set(parts[-1])
        if setting and first:
            name, i = setting.group()[:-1], setting.end()
        word: list[str] = []
        while i < n and line[i] != " ":
            i = _piece(line, i, word)
        parts.append((name, "".join(word)))
    return parts


def _piece(line: str, i: int, word: list[str]) -> int:
    """Read one quoted or bare piece of a word at ``i`` into ``word``; where it ends."""
    char = line[i]
    if char == "'":
        end = line.index("'", i + 1)
        word.append(line[i + 1 : end])
        return end + 1
    if line.startswith("$'", i):
        return _ansi_c(line, i + 2, word)
    if char == '"':
        j, text = i + 1, []
        while line[j] != '"':
            if line[j] == "\\" and line[j + 1] in '"\\$`':
                j += 1
            elif line[j] in "$`":
                raise ValueError(line)
            text.append(line[j])
            j += 1
        word.append("".join(text))
        return j + 1
    if char == "\\":
        word.append(line[i + 1])
        return i + 2
    if char.isascii() and not _BARE.match(char):
        raise ValueError(line)
    word.append(char)
    return i + 1


def _ansi_c(line: str, i: int, word: list[str]) -> int:
    """A ``$'...'`` word's text from ``i`` (after ``$'``): its escapes read as bash reads
    them (``\\xNN`` bytes, ``\\uNNNN`` characters); where it ends."""
    raw = bytearray()
    while line[i] != "'":
        char = line[i]
        if char != "\\":
            raw += char.encode("utf-8", "surrogateescape")
            i += 1
            continue
        kind = line[i + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(kind)
        if width is not None:
            digits = re.match(f"[0-9a-fA-F]{{1,{width}}}", line[i + 2 :])
            if digits is None:
                raise ValueError(line)
            value = int(digits.group(), 16)
            raw += bytes([value]) if kind == "x" else chr(value).encode("utf-8", "surrogatepass")
            i += 2 + len(digits.group())
        elif kind in _ESCAPES:
            raw += _ESCAPES[kind].encode()
            i += 2
        else:
            raise ValueError(line)
    word.append(raw.decode("utf-8", "surrogateescape"))
    return i + 1
