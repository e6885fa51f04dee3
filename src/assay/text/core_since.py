"""A walker's failing core from the one it had last (``KnownErrors.smallest_since``).

``moves.core_paths`` looks up the smallest known minimal error a walker's case holds among
every known error filed under its words; a walker's case is most often a neighbour of the
case it had when it last looked (one edit away), and the errors known since are few.  The
smallest error the new case holds is the old one's, or one found since or holding a word
that differs between the two sentences' rendered ids (their common start and end set
aside) and of no more words: ``KnownErrors.smallest_since`` checks only those (the whole
look when the old one is lost or more than a few ids differ).  Whatever the edit (a word
swapped, a subtree re-derived, a restart elsewhere): the argument needs only the two
sentences' ids.
Exact: the same key as ``Engine.known_core`` on every call (``bench/text_core_since.py``
compares both routes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assay.text.moves import core_paths_of

if TYPE_CHECKING:
    from assay.text.engine import Engine
    from assay.text.oracle import Case

# what a walker's last look was: (its case's rendered ids, the smallest error it held
# (its index, -1: none), how many errors were known)
Look = tuple[list[int], int, int]


def smallest_key(engine: Engine, case: Case, was: Look | None) -> tuple[str | None, Look | None]:
    """``engine.known_core(case)``, from the look ``was`` when given; and this look (None
    when ``case`` is not one sentence drafted of ids the vocabulary renders)."""
    draft = case.draft
    ids = None
    if engine._single and draft is not None and draft.ids is not None:
        ids = engine.vocab.rendered(draft.ids)
    if ids is None:
        return engine.known_core(case), None
    known = engine._known
    n = len(known)
    if not n:
        return None, (ids, -1, 0)
    i = None if was is None else known.smallest_since(ids, *was)
    if i is None:
        i = known.smallest(ids)
    return (None if i < 0 else known.key(i)), (ids, i, n)


def walker_core(
    engine: Engine, case: Case, looks: list[Look | None], w: int
) -> set[tuple[int, ...]]:
    """``moves.core_paths(engine, case)`` for walker ``w``, from its last look
    (``looks[w]``, then replaced by this one)."""
    key, looks[w] = smallest_key(engine, case, looks[w])
    return core_paths_of(engine, case, key)
