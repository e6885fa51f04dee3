"""What to add to the refusal of two classifiers whose labels differ but who share two or
more (``neg, pos`` against ``neg, neutral, pos``): the one-line label map that compares
them on those, the others left without a counterpart, reported (text42).  The refusal
said only "Give --label-map FILE mapping each one's labels to common ones", as if none
were common."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["shared_hint", "shown_label"]


def shown_label(label: str) -> str:
    """``label`` as a label map line writes it: quoted (``\\`` and ``\"`` escaped) when it
    is empty or holds a space or a double quote."""
    if label and not any(c.isspace() or c == '"' for c in label):
        return label
    return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'


def shared_hint(mapped: Sequence[Sequence[str]], k: int) -> str:
    """``"; they share ..."`` for classifier ``k`` against the first (labels as ``mapped``),
    or ``""`` when they share fewer than two labels."""
    first, other = list(mapped[0]), list(mapped[k])
    shared = [x for x in first if x in other]
    if len(shared) < 2:
        return ""
    left = [x for x in (*first, *other) if x not in shared]
    line = f"{k + 1} {shown_label(shared[0])} -> {shown_label(shared[0])}"
    return (
        f"; they share {', '.join(shared)}: a label map of one line, `{line}`, compares "
        f"them on those, {', '.join(dict.fromkeys(left))} left without a counterpart "
        "(sentences given it are not compared, and the run says how many)"
    )
