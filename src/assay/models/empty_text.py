"""What to add to a text classifier's failure on a batch holding an empty sentence: a
grammar whose alternatives can all derive nothing (``s -> "the food was" q | ""``) sends
``""``, and a classifier that raises on it ("empty input") was told only the batch's first
input, often another sentence, so the cause was left to guess (text42)."""

from __future__ import annotations

from typing import Any

__all__ = ["dropped_text_hint", "empty_text_hint"]


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


def dropped_text_hint(answered: int, inputs: Any) -> str:
    """``empty_text_hint``, said of a classifier that answered ``answered`` values for a batch
    of strings holding empty or blank sentences and as many more other inputs: one that
    leaves empty text out of its answer (``[f(s) for s in batch if s.strip()]``) was told
    only "returned 1 answer for 2 inputs" (hostile44t).  ``""`` otherwise."""
    hint = empty_text_hint(inputs)
    if not hint or answered >= len(inputs):
        return hint
    blank = sum(1 for s in inputs if isinstance(s, str) and not s.strip())
    if len(inputs) - answered != blank:
        return hint
    return (
        f"; its answers were as many fewer as the batch held empty sentences ({blank:,}): "
        f"it seems to leave empty text out{hint}"
    )
