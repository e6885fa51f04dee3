"""The grammars shipped with assay (our own writing): ``builtin:NAME``."""

from __future__ import annotations

from pathlib import Path

from assay.errors import UsageError

__all__ = ["BUILTIN_GRAMMARS", "builtin_grammar_path"]

BUILTIN_GRAMMARS = {
    "reviews": "product and restaurant reviews: negation, intensifiers, contrast",
    "names": "sentences about people: names and pronouns, with invariance classes",
    "topics": "short statements on several topics (sport, food, technology, travel, school)",
}


def builtin_grammar_path(name: str) -> Path:
    if name not in BUILTIN_GRAMMARS:
        raise UsageError(
            f"no built-in grammar {name!r}; choose one of {', '.join(BUILTIN_GRAMMARS)}",
            argument="--grammar",
        )
    return Path(__file__).with_name("grammars") / f"{name}.cfg"
