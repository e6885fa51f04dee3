"""The schema's encoded domain cut into atoms: the pieces no split of any tree separates.

For each encoded feature, every split of every tree on a column derived from it (through
``Column``) becomes a set of atoms that go left.  Atoms of a discrete feature are groups of its
values that every split treats alike (weight: how many values); atoms of a continuous feature
are the intervals between the cut points (weight: their length).  Sets of atoms are Python
integers used as bit sets, so a box over the domain is one integer per feature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assay.fairness.exact.trees import Tree, TreeModel
from assay.fairness.schema import Schema

__all__ = ["WIDE", "Atoms", "Domain", "build_domain"]

WIDE = 4096  # integer features with more values are cut by ranges (their columns affine)


@dataclass(frozen=True)
class Atoms:
    """The atoms of one feature."""

    weight: np.ndarray  # (n_atoms,) share of the feature's range in each atom (sums to 1)
    of_value: np.ndarray | None  # discrete: atom of each encoded value (from low); else None
    cuts: np.ndarray | None  # continuous: atom i is [cuts[i], cuts[i+1]]
    low: float
    integer: bool = False  # cuts of a wide integer feature: atom i is cuts[i] .. cuts[i+1] - 1
    # a ranged feature that may be missing: values above this are its last atom (missing)
    missing_above: float | None = None

    @property
    def n(self) -> int:
        return len(self.weight)

    @property
    def full(self) -> int:
        return (1 << self.n) - 1

    def atom_of(self, encoded: np.ndarray) -> np.ndarray:
        """The atom of each encoded value."""
        if self.of_value is not None:
            out: np.ndarray = self.of_value[np.rint(encoded - self.low).astype(np.int64)]
            return out
        assert self.cuts is not None
        idx = np.searchsorted(self.cuts, encoded, side="right") - 1
        if self.missing_above is None:
            return np.clip(idx, 0, self.n - 1).astype(np.int64)
        known = np.clip(idx, 0, self.n - 2)  # the known high itself is a value, not missing
        return np.where(np.asarray(encoded) > self.missing_above, self.n - 1, known).astype(
            np.int64
        )

    def values(self, mask: int) -> np.ndarray:
        """Bool array over atoms of a bit set."""
        return np.array([(mask >> i) & 1 for i in range(self.n)], dtype=bool)


@dataclass(frozen=True)
class Domain:
    atoms: tuple[Atoms, ...]
    # per tree: node -> (encoded feature, bit set of atoms going left); leaves: feature -1
    node_feature: tuple[np.ndarray, ...]
    node_left: tuple[list[int], ...]
    # per feature: the atom of its missing value (a feature that may be missing), else None
    missing_atom: tuple[int | None, ...] | None = None


def build_domain(schema: Schema, model: TreeModel) -> Domain:
    """Atoms of every feature and each tree node's split as a bit set of atoms."""
    n_feat = len(schema)
    # (column, threshold, where NaN goes: True left)
    splits: list[list[Split]] = [[] for _ in range(n_feat)]
    for tree in model.trees:
        for node in np.flatnonzero(tree.feature >= 0):
            key = _split(tree, int(node))
            splits[model.columns[key[0]].feature].append(key)
    atoms: list[Atoms] = []
    # per feature: (column, threshold, NaN left) -> bit set going left
    left_sets: list[dict[Split, int]] = []
    for j, feature in enumerate(schema.features):
        unique = sorted(set(splits[j]))
        if feature.kind == "continuous" or (feature.n_values or 0) > WIDE:
            ranged = _continuous if feature.kind == "continuous" else _wide_integer
            a, table = ranged(feature.encoded_low, feature.known_high, unique, model)
            if feature.missing:
                a, table = _with_missing(a, table, feature.encoded_high, model)
        else:
            a, table = _discrete(feature.encoded_low, feature.n_values or 1, unique, model)
        atoms.append(a)
        left_sets.append(table)
    features: list[np.ndarray] = []
    lefts: list[list[int]] = []
    for tree in model.trees:
        feat = np.full(len(tree.feature), -1, dtype=np.int64)
        left = [0] * len(tree.feature)
        for node in np.flatnonzero(tree.feature >= 0):
            key = _split(tree, int(node))
            j = model.columns[key[0]].feature
            feat[node] = j
            left[node] = left_sets[j][key]
        features.append(feat)
        lefts.append(left)
    missing = tuple(
        None if not f.missing else int(atoms[j].atom_of(np.array([f.encoded_high]))[0])
        for j, f in enumerate(schema.features)
    )
    return Domain(tuple(atoms), tuple(features), tuple(lefts), missing)


Split = tuple[int, float, bool]


def _split(tree: Tree, node: int) -> Split:
    """A node's split: its column, threshold and where a missing value (NaN) goes."""
    going = tree.missing_left
    return (
        int(tree.feature[node]),
        float(tree.threshold[node]),
        bool(going[node]) if going is not None else False,  # no NaN reaches it (compose)
    )


def _goes_left(value: np.ndarray | float, t: float, nan_left: bool) -> np.ndarray:
    """Whether the column's values go left at a split (NaN: where the split sends it)."""
    v = np.asarray(value, dtype=np.float64)
    out: np.ndarray = np.where(np.isnan(v), nan_left, v <= t)
    return out


def _with_missing(
    known: Atoms, table: dict[Split, int], top: float, model: TreeModel
) -> tuple[Atoms, dict[Split, int]]:
    """A ranged feature's atoms over its known values, plus one last atom: the missing
    value (encoded above the known high, up to ``top``), which each split sends where the
    model sends the column's value for it (NaN: the split's own way; an imputer's fill)."""
    assert known.cuts is not None
    high = float(known.cuts[-1]) - (1.0 if known.integer else 0.0)
    span_known = high - known.low + (1.0 if known.integer else 0.0)
    span_all = top - known.low + (1.0 if known.integer else 0.0)
    if span_known <= 0:  # one known value: the uniform draw gives it 9 times in 10
        weight = np.append(known.weight * 0.9, 0.1)  # (``Schema.sample_uniform``)
    else:
        weight = np.append(
            known.weight * (span_known / span_all), (span_all - span_known) / span_all
        )
    cuts = np.append(known.cuts, top + (1.0 if known.integer else 0.0))
    n = known.n
    out = {}
    for key, bits in table.items():
        c, t, nan_left = key
        at = model.columns[c].at_missing
        out[key] = bits | (int(bool(_goes_left(at, t, nan_left))) << n)
    return Atoms(weight, None, cuts, known.low, integer=known.integer, missing_above=high), out


def _discrete(
    low: float, n_values: int, splits: list[Split], model: TreeModel
) -> tuple[Atoms, dict[Split, int]]:
    if not splits:
        return Atoms(np.ones(1), np.zeros(n_values, dtype=np.int64), None, low), {}
    codes = np.arange(n_values)
    signature = np.empty((n_values, len(splits)), dtype=bool)
    for s, (c, t, nan_left) in enumerate(splits):
        col = model.columns[c]
        if col.table is not None:
            value = col.table[codes + round(low - col.low)]
        else:
            value = col.scale * (codes + low) + col.offset
        signature[:, s] = _goes_left(value, t, nan_left)
    _, first, of_value = np.unique(signature, axis=0, return_index=True, return_inverse=True)
    of_value = np.asarray(of_value).reshape(-1).astype(np.int64)
    n_atoms = len(first)
    weight = np.bincount(of_value, minlength=n_atoms) / n_values
    left = signature[first]  # (n_atoms, n_splits): each atom's side of each split
    table = {key: _bitset(left[:, s]) for s, key in enumerate(splits)}
    return Atoms(weight, of_value, None, low), table


def _bitset(inside: np.ndarray) -> int:
    """The bit set (bit ``i`` for ``inside[i]``) as a Python integer, without a Python loop
    over the atoms (a forest's thousands of splits over thousands of atoms took minutes)."""
    packed = np.packbits(np.asarray(inside, dtype=bool), bitorder="little")
    return int.from_bytes(packed.tobytes(), "little")


def _prefix(m: int) -> int:
    """Atoms ``0 .. m - 1``."""
    return (1 << max(m, 0)) - 1


def _continuous(
    low: float, high: float, splits: list[Split], model: TreeModel
) -> tuple[Atoms, dict[Split, int]]:
    where: list[tuple[Split, float, float]] = []  # key, cut, scale sign
    cuts = {low, high}
    for c, t, nan_left in splits:
        col = model.columns[c]
        if col.scale == 0:
            where.append(((c, t, nan_left), np.nan, 0.0))
            continue
        x0 = (t - col.offset) / col.scale
        where.append(((c, t, nan_left), x0, np.sign(col.scale)))
        if low < x0 < high:
            cuts.add(x0)
    edges = np.array(sorted(cuts))
    if len(edges) < 2 or high <= low:
        edges = np.array([low, low])
    n_atoms = max(len(edges) - 1, 1)
    span = high - low
    weight = np.diff(edges) / span if span > 0 else np.ones(1)
    # atom i is [lows[i], highs[i]]: a split goes left on a prefix (x0 above the atom) or a
    # suffix (a decreasing column: x0 below it) of the atoms
    lows = edges[:n_atoms]
    highs = edges[np.minimum(np.arange(n_atoms) + 1, len(edges) - 1)]
    every = _prefix(n_atoms)
    table: dict[Split, int] = {}
    for key, x0, sign in where:
        if sign == 0:
            table[key] = every if model.columns[key[0]].offset <= key[1] else 0
        elif sign > 0:  # hi <= x0
            table[key] = _prefix(int(np.searchsorted(highs, x0, side="right")))
        else:  # lo >= x0
            table[key] = every & ~_prefix(int(np.searchsorted(lows, x0, side="left")))
    return Atoms(weight, None, edges, low), table


def _wide_integer(
    low: float, high: float, splits: list[Split], model: TreeModel
) -> tuple[Atoms, dict[Split, int]]:
    """Integer ranges between the split points (columns on the feature must be affine)."""
    starts = {low}
    where: list[tuple[Split, float, float]] = []
    for c, t, nan_left in splits:
        col = model.columns[c]
        if col.table is not None or col.scale == 0:
            x0, sign = np.nan, 0.0
        else:
            x0 = (t - col.offset) / col.scale
            sign = float(np.sign(col.scale))
            edge = np.floor(x0) + 1 if sign > 0 else np.ceil(x0)
            if low < edge <= high:
                starts.add(float(edge))
        where.append(((c, t, nan_left), x0, sign))
    cuts = np.array([*sorted(starts), high + 1])
    n_atoms = len(cuts) - 1
    weight = np.diff(cuts) / (high - low + 1)
    # atom i is cuts[i] .. cuts[i + 1] - 1: left on a prefix or a suffix, as for ranges
    lows, highs = cuts[:-1], cuts[1:] - 1
    every = _prefix(n_atoms)
    table: dict[Split, int] = {}
    for key, x0, sign in where:
        if sign == 0:
            table[key] = every if model.columns[key[0]].offset <= key[1] else 0
        elif sign > 0:  # hi <= floor(x0)
            table[key] = _prefix(int(np.searchsorted(highs, np.floor(x0), side="right")))
        else:  # lo >= ceil(x0)
            table[key] = every & ~_prefix(int(np.searchsorted(lows, np.ceil(x0), side="left")))
    return Atoms(weight, None, cuts, low, integer=True), table
