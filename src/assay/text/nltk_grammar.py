"""An NLTK grammar object (``nltk.CFG``, ``nltk.PCFG``: anything with ``productions()`` and
``start()``) as a grammar's text, so ``grammar=nltk.CFG.fromstring(...)`` runs as the text it
was read from does (it was refused: "a grammar is a file path or builtin:NAME").  NLTK is not
imported: the object is read by its methods."""

from __future__ import annotations

from typing import Any

from assay.errors import UsageError

__all__ = ["nltk_text"]

_EMPTY = '""'  # (an empty right-hand side: NLTK's ``A ->``)


def nltk_text(grammar: Any) -> str | None:
    """The text of ``grammar`` in assay's (and NLTK's) format, its probabilities as weights;
    None when it is no NLTK grammar."""
    productions, start = getattr(grammar, "productions", None), getattr(grammar, "start", None)
    if not callable(productions) or not callable(start) or isinstance(grammar, str):
        return None
    lines = [f"%start {_symbol(start())}"]
    for p in productions():
        rhs = " ".join(_quoted(x) if isinstance(x, str) else _symbol(x) for x in p.rhs())
        prob = getattr(p, "prob", None)
        weight = f" [{float(prob())!r}]" if callable(prob) else ""
        lines.append(f"{_symbol(p.lhs())} -> {rhs or _EMPTY}{weight}")
    return "\n".join(lines) + "\n"


def _symbol(nonterminal: Any) -> str:
    name = nonterminal.symbol() if callable(getattr(nonterminal, "symbol", None)) else nonterminal
    if not isinstance(name, str):
        raise UsageError(
            f"the NLTK grammar's nonterminal {name!r} is not named by a string: assay names "
            "symbols by words (give the grammar's text, or rename it)",
            argument="grammar",
        )
    return name


def _quoted(word: str) -> str:
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
