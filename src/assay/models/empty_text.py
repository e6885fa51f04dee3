"""What to add to a text classifier's failure on a batch holding an empty sentence: a
grammar whose alternatives can all derive nothing (``s -> "the food was" q | ""``) sends
``""``, and a classifier that raises on it ("empty input") was told only the batch's first
input, often another sentence, so the cause was left to guess (text42)."""

from __future__ import annotations

from typing import Any

__all__ = ["empty_text_hint"]


def empty_text_hint(inputs: Any) -> str:
    """``"; the batch held an empty sentence ..."`` when ``inputs`` is a batch of strings
    one of which is empty or blank; ``""`` otherwise."""
    if not isinstance(inputs, list | tuple):
        return ""
    at = next((i for i, s in enumerate(inputs) if isinstance(s, str) and not s.strip()), None)
    if at is None:
        return ""
    return (
        f"; the batch held an empty sentence (input {at}: {inputs[at]!r}), which the grammar "
        'derives where every symbol of a derivation derives nothing (an alternative ""): '
        "a classifier must answer every sentence the grammar derives, so make it answer "
        "this one (a label for empty text) or give that derivation a word"
    )
