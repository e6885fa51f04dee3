"""Lexicon files of a grammar (``%lexicon NAME FILE``): one word or phrase a line.

CheckList fills its templates from lexicons (names, cities, positive adjectives); here a
lexicon's lines are alternatives of a symbol, as if written ``NAME -> "Maria" | "José"``.
Blank lines are skipped and each line's surrounding blanks dropped; there is no comment
syntax (a line ``#1`` is an entry).  The file is found relative to the grammar's folder and
read whole once (``LARGEST_LEXICON`` bytes at most); a run fingerprints it beside the
grammar (``prepare.text_fingerprints``), so that a resume refuses a changed lexicon.
"""

from __future__ import annotations

from pathlib import Path

from assay.core.textfile import decode_text
from assay.errors import UsageError
from assay.text.lines import file_lines

__all__ = ["LARGEST_LEXICON", "read_lexicon"]

# (a lexicon of 900,000 nouns is 9 MB; a file of gigabytes given by mistake would be held
# whole, then as a production per line)
LARGEST_LEXICON = 64 * 1024 * 1024


def read_lexicon(
    name: str, base: Path, *, where: tuple[str, int, int], longest: int
) -> tuple[str, list[tuple[int, str]]]:
    """The lexicon file ``name`` (relative to ``base``, the grammar's folder): its resolved
    path and its entries as (line, text).  ``where``: the grammar's file, line and column of
    the file's name (an error about the file names it); ``longest``: the longest entry."""
    source, line, column = where
    path = Path(name).expanduser()
    path = path if path.is_absolute() else base / path

    def refuse(message: str) -> UsageError:
        return UsageError(message, path=source, line=line, column=column)

    try:
        size = path.stat().st_size
        if not path.is_file():
            raise refuse(f"the lexicon {name!r} ({path}) is not a file")
        if size > LARGEST_LEXICON:
            raise refuse(
                f"the lexicon file {path} is {size:,} bytes; a lexicon is at most "
                f"{LARGEST_LEXICON:,} (one word or phrase a line)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise refuse(
            f"no such lexicon file: {name!r} (looked for {path}; a relative path is read from "
            "the grammar file's folder)"
        ) from None
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise refuse(f"cannot read the lexicon file {path}: {reason}") from None
    text = decode_text(data, what="the lexicon file", path=str(path))
    entries: list[tuple[int, str]] = []
    for n, raw in enumerate(file_lines(text), start=1):
        entry = raw.strip()
        if not entry:
            continue
        if len(entry) > longest:
            raise UsageError(
                f"an entry of {len(entry):,} characters ({entry[:40]!r}...): an entry is at "
                f"most {longest:,} (a word or a phrase a line)",
                path=str(path),
                line=n,
                column=1,
            )
        entries.append((n, entry))
    if not entries:
        raise refuse(f"the lexicon file {path} has no entry (one word or phrase a line)")
    return str(path.resolve()), entries
