"""The order of each feature's atoms in an ensemble's branch and bound, a missing value placed
where its splits make intervals.

The branch and bound (``ensemble``) needs every split to send an *interval* of a feature's
atoms one way.  A feature that may be missing has one atom for "missing" (the last, above the
known values); a split that sends the missing value with the *low* values sends a prefix plus
that last atom one way: not an interval.  Moving the missing atom below every known value
makes such a split an interval again, and the splits sending missing with the high values
are then the ones that are not.  So each such feature's missing atom goes to the end (bottom
or top) where the fewer of its splits are left broken, and ``ensemble.flatten`` cuts each
split still broken at the missing atom first (inside its box, the missing branch then
decides every later split on the feature at once, so the copy it makes of a subtree is
small).  Splits whose known values alone are not an interval are left to the box-by-box
refinement, as before.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from assay.fairness.exact.domain import Domain

__all__ = ["atom_orders", "first_change", "permuted", "split_in"]


def atom_orders(domain: Domain) -> tuple[np.ndarray, ...] | str:
    """Per feature, the atoms (their indices in ``domain``) in the branch and bound's order:
    as they are, or the missing atom moved to the bottom or the top (see the module); or why
    a split sends a set of known atoms that is not an interval one way."""
    n_feat = len(domain.atoms)
    bits: list[list[int]] = [[] for _ in range(n_feat)]
    for feats, lefts in zip(domain.node_feature, domain.node_left, strict=True):
        for node in np.flatnonzero(feats >= 0):
            bits[int(feats[node])].append(lefts[node])
    out: list[np.ndarray] = []
    for j, atoms in enumerate(domain.atoms):
        n = atoms.n
        same = np.arange(n)
        splits = Counter(bits[j])  # each set of atoms, and how many splits send it left
        broken = sum(k for b, k in splits.items() if split_in(b, 0, n) is None)
        m = None if domain.missing_atom is None else domain.missing_atom[j]
        if not broken or m is None:
            if broken:
                return "a split sends a set of atoms that is not an interval one way"
            out.append(same)
            continue
        known = same[same != m]
        best: tuple[int, np.ndarray] | None = None
        for order in (np.append(known, m), np.insert(known, 0, m)):
            moved = {permuted(b, order): k for b, k in splits.items()}
            within = [b & _range(1, n) if order[0] == m else b & _range(0, n - 1) for b in moved]
            if any(_not_interval(w) for w in within):
                return "a split sends a set of atoms that is not an interval one way"
            count = sum(k for b, k in moved.items() if split_in(b, 0, n) is None)
            if best is None or count < best[0]:
                best = (count, order)
        assert best is not None
        out.append(best[1])
    return tuple(out)


def permuted(bits: int, order: np.ndarray) -> int:
    """A bit set over a feature's atoms (as ``domain`` numbers them) in ``order``'s numbering:
    bit ``i`` of the result is bit ``order[i]`` of ``bits``."""
    if bits == (1 << len(order)) - 1 or not bits:
        return bits
    out = 0
    for i, atom in enumerate(order.tolist()):
        if (bits >> atom) & 1:
            out |= 1 << i
    return out


def _range(lo: int, hi: int) -> int:
    return ((1 << hi) - 1) & ~((1 << lo) - 1)


def _not_interval(bits: int) -> bool:
    """Whether the set bits are not one run (an empty set is one)."""
    if not bits:
        return False
    low = bits & -bits
    return (bits + low) & bits != 0


def split_in(bits: int, lo: int, hi: int) -> tuple[int, bool] | None:
    """Inside the atoms ``lo .. hi - 1``, the set ``bits`` (restricted to them) as a cut:
    ``(cut, True)`` when it is the atoms ``< cut``, ``(cut, False)`` when the atoms ``>= cut``
    (a cut at ``lo`` or ``hi``: one side empty); None when it is neither."""
    inside = (bits & _range(lo, hi)) >> lo
    n = hi - lo
    if inside & (inside + 1) == 0:
        return lo + inside.bit_length(), True
    low = (inside & -inside).bit_length() - 1
    if inside >> low == (1 << (n - low)) - 1:
        return lo + low, False
    return None


def first_change(bits: int, lo: int, hi: int) -> int:
    """The first atom after ``lo`` (below ``hi``) whose membership in ``bits`` differs from
    ``lo``'s: where a set that is not an interval inside ``lo .. hi - 1`` is cut first."""
    first = (bits >> lo) & 1
    i = lo + 1
    while i < hi - 1 and (bits >> i) & 1 == first:
        i += 1
    return i
