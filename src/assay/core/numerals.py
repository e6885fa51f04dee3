"""Numbers as a user writes them in text (an option's value, a line of a file): ASCII digits.

Python's ``int`` and ``float`` read more than a user means: ``int("1_0")`` is 10 (Python's
digit grouping), ``int("٨")`` is 8 (any script's decimal digits), ``"²".isdigit()`` is true
but ``int("²")`` fails.  So ``--input-shape 28_28`` was a 2828-pixel image, ``--input-shape
٨,8`` (typed with another keyboard layout) a shape of 8,8, ``--classes ²`` a bare traceback.
Every place assay reads a number from text asks here: digits 0-9 (with a sign, a point and
an exponent as the reader allows), nothing else; the caller refuses anything else, naming
its argument (``unwritten`` says what is wrong with the text).
"""

from __future__ import annotations

__all__ = ["unwritten", "written_float", "written_int"]


def unwritten(text: str) -> str | None:
    """What makes ``text`` no number as assay reads one, said for an error message (``"'_'
    (write 10, digits alone)"``), or None when it is written in ASCII alone (whatever else
    is wrong with it is the caller's to say)."""
    odd = next((c for c in text if not c.isascii() or c == "_"), None)
    if odd is None:
        return None
    shown = "".join(c for c in text if c != "_") if odd == "_" else None
    if odd == "_":
        return f"'_' (digits are not grouped: write {shown.strip()})" if shown else "'_'"
    return f"the character {odd!r} (U+{ord(odd):04X}): digits are 0-9"


def written_int(text: str) -> int | None:
    """The whole number ``text`` writes (blanks around it and a leading sign allowed), or None:
    ``"1_0"``, ``"٨"``, ``"²"``, ``"8.0"``, ``""`` are None."""
    t = text.strip()
    body = t[1:] if t[:1] in ("+", "-") else t
    if not body or not (body.isascii() and body.isdigit()):
        return None
    return int(t)


def written_float(text: str) -> float | None:
    """The number ``text`` writes as Python's ``float`` reads it (``1e-3``, ``.5``, ``inf``,
    ``nan``: finiteness is the caller's), or None: ``"1_0"`` or any character that is not
    ASCII (``"٨"``, a full-width ``"１"``) is None."""
    if unwritten(text) is not None:
        return None
    try:
        return float(text)
    except ValueError:
        return None
