"""The grammar and classifiers hostile53's read-order tests share: a classifier reading
negation (its scores, given in the forms under test) against one blind to it, whose
disagreements are exactly the sentences holding "not"."""

from __future__ import annotations

GRAMMAR = """S -> "the" N "was" neg A
N -> "food" | "pasta" | "service" | "room" | "wine" | "soup"
neg -> "" | "not"
A -> "good" | "great" | "bad" | "poor" | "fine" | "nice"
"""


def p_pos(text: str) -> float:
    """The probability of ``pos``: low for a bad word or a negation, not both."""
    bad = any(w in text for w in ("bad", "poor"))
    return 0.2 if bad != ("not" in text.split()) else 0.8


def blind(batch: list[str]) -> list[str]:
    """Misses every negation: disagrees with a reader of it on each "not" sentence."""
    return ["neg" if "bad" in t or "poor" in t else "pos" for t in batch]
