"""The label map lines the refusal of two classifiers naming their labels differently can
infer from the names alone (left52b, hostile52's leftover): ``POSITIVE``, ``NEGATIVE``
against ``pos``, ``neg`` (a Hugging Face pipeline beside the user's function) gives
``2 pos -> POSITIVE``, ``2 neg -> NEGATIVE``: each label of one begins exactly one label of
the other, and that one no other.  Only such unambiguous pairs are suggested, for the user
to check (names alone cannot prove two labels are one class); where none can be inferred
(``0``, ``1`` against ``neg``, ``pos``) the refusal says so plainly, and shows the line's
form (not naming "assay ": a message quoting a command is left in the command line's terms
for a Python caller, ``core.keywords``).  The refusal said only "Give --label-map FILE
mapping each one's labels to common ones"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assay.text.shared_labels import shown_label

__all__ = ["inferred_pairs", "map_guess_hint"]

_KEY = re.compile(r"[\W_]+")


def _key(label: str) -> str:
    """``label`` as compared here: folded as labels are (case, spaces, Unicode forms), its
    punctuation and underscores dropped (``very_good`` and ``very good`` one)."""
    from assay.text.panel import fold_label

    return _KEY.sub("", fold_label(label))


def _near(a: str, b: str) -> bool:
    """Whether one of two keys begins the other, the shorter two letters or more and
    beginning with a letter (``1`` beginning ``10`` says nothing of a class)."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 2 and short[0].isalpha() and long.startswith(short)


# a label naming a number: ``LABEL_1`` (a Hugging Face model's default), ``class 1``,
# ``1 star``, ``1``: its letters before or after the number dropped (left53)
_NUMBERED = re.compile(r"^(?:[a-z]+)?(\d+)(?:[a-z]+)?$")


def _number(key: str) -> int | None:
    match = _NUMBERED.match(key)
    return None if match is None else int(match[1])


def _by_number(
    left_first: list[tuple[str, str]], left_other: list[tuple[str, str]]
) -> list[tuple[str, str]] | None:
    """The pairs of labels naming the same number (``LABEL_0``/``0``, ``1 star``/``1``),
    when every label left on either side names one, each a different one, and both sides
    name the same numbers (``0``, ``1`` against ``1 star``, ``2 stars``: counted from 0 and
    from 1, no pair told); None otherwise."""
    firsts = {_number(k): a for a, k in left_first}
    others = {_number(k): b for b, k in left_other}
    if (
        None in firsts
        or None in others
        or len(firsts) != len(left_first)
        or len(others) != len(left_other)
        or set(firsts) != set(others)
        or not firsts
    ):
        return None
    return [(b, firsts[n]) for n, b in others.items()]


def inferred_pairs(first: Sequence[str], other: Sequence[str]) -> list[tuple[str, str]]:
    """``(label of other, label of first)`` for each label of ``other`` not written as one of
    ``first``'s whose name begins (or is begun by) exactly one of ``first``'s such labels,
    which begins (or is begun by) no other of ``other``'s: the pairs the names make
    unambiguous, in ``other``'s order.  Labels naming numbers (``LABEL_0``, ``LABEL_1``
    against ``0``, ``1``) pair by them, where both sides name the same numbers."""
    from assay.text.panel import fold_label

    theirs = {fold_label(b) for b in other}
    ours = {fold_label(a) for a in first}
    left_first = [(a, _key(a)) for a in dict.fromkeys(first) if fold_label(a) not in theirs]
    left_other = [(b, _key(b)) for b in dict.fromkeys(other) if fold_label(b) not in ours]
    numbered = _by_number(left_first, left_other)
    if numbered is not None:
        return numbered
    pairs = []
    for b, kb in left_other:
        near = [(a, ka) for a, ka in left_first if _near(ka, kb)]
        if len(near) != 1:
            continue
        a, ka = near[0]
        if sum(_near(ka, kc) for _, kc in left_other) == 1:
            pairs.append((b, a))
    return pairs


def map_guess_hint(first: Sequence[str], other: Sequence[str], k: int, apart: bool) -> str:
    """What the refusal adds for classifier ``k`` (0-based) against the first: the map lines
    the names make unambiguous (``"; from their names: `2 pos -> POSITIVE`, ..."``), or,
    where the two have no label in common (``apart``) and none can be inferred, that it
    cannot tell which is which; "" when they share labels and none is inferred (the shared
    labels' own hint says how to compare them)."""
    pairs = inferred_pairs(first, other)
    if not pairs:
        if not apart:
            return ""
        return (
            "; their names cannot tell which labels are one class (no name of one begins "
            "one of the other's, nor do both name the same numbers): write a line for each of "
            f"classifier {k + 1}'s labels, "
            f"`{k + 1} LABEL -> COMMON`, COMMON a label of the first"
        )
    lines = ", ".join(f"`{k + 1} {shown_label(b)} -> {shown_label(a)}`" for b, a in pairs)
    numbered = all(_number(_key(x)) is not None for pair in pairs for x in pair)
    how = "each pair names one number" if numbered else "one label begins the other, and no third"
    matched = {b for b, _ in pairs} | {a for _, a in pairs}
    from assay.text.panel import fold_label

    common = {fold_label(a) for a in first} & {fold_label(b) for b in other}
    unmatched = [
        x
        for x in dict.fromkeys((*first, *other))
        if x not in matched and fold_label(x) not in common
    ]
    rest = (
        f"; {', '.join(unmatched)} left without a counterpart (sentences given it are not "
        "compared, and the run says how many)"
        if unmatched
        else ""
    )
    return (
        f"; from their names ({how}) a label map file "
        f"of the line{'s' if len(pairs) > 1 else ''} {lines} compares them: check that "
        f"each pair is one class{rest}"
    )
