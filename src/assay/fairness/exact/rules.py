"""Exact regions: a few readable rules over every discriminatory box of the exact analysis.

The exact analysis of a tree model decides the whole domain into disjoint boxes, and the
discriminatory ones hold every IDI.  Here each feature's domain is cut into *cells* (a
discrete feature's values, a continuous or wide feature's atoms) with their exact weights in
the input space, and every box becomes, per feature, the 0/1 mask of the cells it holds.  A
rule is likewise a set of cells per feature (a run of them for an ordered feature), so the
IDI mass inside a rule is a sum over boxes of products of masked weights: exact, no sampling.

Rules are grown by peeling as ``fairness.regions`` does on samples (PRIM), with exact
figures: from the whole space, the cells whose removal most raises the share of IDIs inside
are removed (cells holding no IDI first: that costs no coverage), step by step; of the boxes
on the way the one with the best F1 of its exact share inside and share of the IDIs covered
is kept, polished one cell at a time (in or out, while its F1 rises) and its conditions that
barely matter dropped.  The IDIs it covers are then taken out (each box minus the rule is a
few disjoint boxes) and the next rule is grown on what is left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.fairness.regions import Rule, as_set
from assay.fairness.schema import Schema

__all__ = [
    "MAX_CELLS",
    "BoxSet",
    "ExactRule",
    "FoundRules",
    "box_set",
    "exact_rules",
    "mass_inside",
    "row_set",
    "rule_figures",
]

MAX_CELLS = 5_000_000
"""Boxes x cells learned from at most (the benchmark tree: 4,444 x 430; a tree of 686 boxes
over six continuous features of 760 atoms each, 3.1 million, took 5 s): more, and the rules
are left to sampling, which says so."""

_PEEL = 0.05  # share of a feature's volume inside the rule peeled in one step


@dataclass(frozen=True)
class Masks:
    """One feature's masks of ``K`` boxes: box ``i`` holds the cells of ``rows[ids[i]]``
    (boxes share few distinct masks per feature: a tree has few splits on each)."""

    ids: np.ndarray  # (K,) int64
    rows: np.ndarray  # (U, n_cells) float64 0/1

    def __len__(self) -> int:
        return len(self.ids)

    def weigh(self, vec: np.ndarray) -> np.ndarray:
        """(K,): each box's mask times ``vec``, summed."""
        out: np.ndarray = (self.rows @ vec)[self.ids]
        return out

    def cells(self, per_box: np.ndarray) -> np.ndarray:
        """(n_cells,): ``per_box`` summed over the boxes holding each cell."""
        got = np.bincount(self.ids, weights=per_box, minlength=len(self.rows))
        out: np.ndarray = got @ self.rows
        return out

    def times(self, vec: np.ndarray) -> Masks:
        return Masks(self.ids, self.rows * vec)

    def take(self, which: np.ndarray) -> Masks:
        return Masks(self.ids[which], self.rows)


def _joined(parts: list[Masks]) -> Masks:
    rows = np.concatenate([p.rows for p in parts])
    offsets = np.cumsum([0, *(len(p.rows) for p in parts[:-1])])
    ids = np.concatenate([p.ids + o for p, o in zip(parts, offsets, strict=True)])
    uniq, inverse = np.unique(rows, axis=0, return_inverse=True)
    return Masks(np.asarray(inverse).reshape(-1)[ids], uniq)


@dataclass(frozen=True)
class BoxSet:
    """Every discriminatory box of one attribute: per feature, its cells' weights and each
    box's 0/1 mask over them (``skip``, the attribute, holds one cell every box covers)."""

    skip: int
    weights: tuple[np.ndarray, ...]  # per feature: (n_cells,), summing to 1
    masks: tuple[Masks, ...]  # per feature
    starts: tuple[np.ndarray, ...]  # per feature: each cell's first encoded value
    ends: tuple[np.ndarray, ...]  # per feature: each cell's last encoded value (or edge)

    @property
    def n_boxes(self) -> int:
        return len(self.masks[0]) if self.masks else 0


@dataclass(frozen=True)
class ExactRule:
    """A rule with its exact figures over the uniform distribution on the domain."""

    rule: Rule
    share_inside: float  # IDI mass inside / the rule's volume
    recall: float  # IDI mass inside / all the IDI mass
    volume: float  # the rule's share of the input space
    # encoded inputs inside the rule and inside discriminatory boxes (the largest there):
    # IDIs by the analysis, to ask the model about as witnesses
    inside: np.ndarray | None = None
    # the cells the rule keeps, per feature (for figures counted over other boxes inside it)
    keep: tuple[np.ndarray, ...] | None = None


class FoundRules(list[ExactRule]):
    """The rules a search found, best first, and whether its deadline cut it:
    ``cut_by_time`` (a rule more would have been grown: the IDIs left to cover were 1 % of
    them or more and fewer than ``max_rules`` rules were found) and ``idis_left``, the share
    of every IDI that none of the rules grown covers (0 when nothing was left)."""

    def __init__(
        self, rules: list[ExactRule], *, cut_by_time: bool = False, idis_left: float = 0.0
    ) -> None:
        super().__init__(rules)
        self.cut_by_time = cut_by_time
        self.idis_left = idis_left


def box_set(schema: Schema, atoms: tuple[Any, ...], boxes: list[list[int]], *, skip: int) -> BoxSet:
    """The boxes (one bit set of atoms per feature, as the analysis holds them) over cells."""
    weights: list[np.ndarray] = []
    masks: list[Masks] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    for j, f in enumerate(schema.features):
        at = atoms[j]
        if j == skip:
            weights.append(np.ones(1))
            masks.append(Masks(np.zeros(len(boxes), dtype=np.int64), np.ones((1, 1))))
            starts.append(np.array([f.encoded_low]))
            ends.append(np.array([f.encoded_high]))
            continue
        cache: dict[int, int] = {}
        rows: list[np.ndarray] = []
        ids = np.empty(len(boxes), dtype=np.int64)
        for i, box in enumerate(boxes):
            got = cache.get(box[j])
            if got is None:
                inside = at.values(box[j])
                rows.append(inside[at.of_value] if at.of_value is not None else inside)
                got = cache[box[j]] = len(rows) - 1
            ids[i] = got
        if at.of_value is not None:
            n = len(at.of_value)
            weights.append(np.full(n, 1.0 / n))
            codes = f.encoded_low + np.arange(n, dtype=np.float64)
            starts.append(codes)
            ends.append(codes)
        else:
            cuts = np.asarray(at.cuts, dtype=np.float64)
            weights.append(np.asarray(at.weight, dtype=np.float64))
            first = cuts[:-1].copy()
            if at.missing_above is not None and not at.integer:
                # the missing atom starts past the known high (a rule on it alone says
                # "x is missing", never a range ending at the known high)
                first[-1] = np.nextafter(at.missing_above, np.inf)
            starts.append(first)
            ends.append(cuts[1:] - (1.0 if at.integer else 0.0))
        n_cells = len(weights[-1])
        table = np.array(rows, dtype=np.float64).reshape(len(rows), n_cells)
        masks.append(Masks(ids, table if len(rows) else np.zeros((1, n_cells))))
    return BoxSet(skip, tuple(weights), tuple(masks), tuple(starts), tuple(ends))


def row_set(schema: Schema, rows: np.ndarray, *, skip: int) -> BoxSet | None:
    """Inputs of a discrete domain (encoded rows, each one cell per feature) as boxes; None
    when their masks would hold more than ``MAX_CELLS`` values (each feature's masks are
    the values the rows take, over every value of the feature: a feature of a million
    values held as a square table asked for terabytes)."""
    weights: list[np.ndarray] = []
    masks: list[Masks] = []
    codes: list[np.ndarray] = []
    held = 0
    for j, f in enumerate(schema.features):
        if j == skip:
            weights.append(np.ones(1))
            masks.append(Masks(np.zeros(len(rows), dtype=np.int64), np.ones((1, 1))))
            codes.append(np.array([f.encoded_low]))
            continue
        n = int(f.n_values or 1)
        cells = np.rint(rows[:, j] - f.encoded_low).astype(np.int64)
        taken, ids = np.unique(cells, return_inverse=True)
        held += len(taken) * n
        if held > MAX_CELLS:
            return None
        table = np.zeros((len(taken), n))
        table[np.arange(len(taken)), taken] = 1.0  # (the rows of the identity they take)
        weights.append(np.full(n, 1.0 / n))
        masks.append(Masks(np.asarray(ids, dtype=np.int64).reshape(-1), table))
        codes.append(f.encoded_low + np.arange(n, dtype=np.float64))
    return BoxSet(skip, tuple(weights), tuple(masks), tuple(codes), tuple(codes))


def _factors(bs: BoxSet, masks: tuple[Masks, ...], keep: list[np.ndarray]) -> np.ndarray:
    """(K, F): each box's weight inside the rule, per feature."""
    return np.stack(
        [m.weigh(k * w) for m, k, w in zip(masks, keep, bs.weights, strict=True)], axis=1
    )


def _mass(bs: BoxSet, masks: tuple[Masks, ...], keep: list[np.ndarray]) -> float:
    if not len(masks[0]):
        return 0.0
    return float(np.prod(_factors(bs, masks, keep), axis=1).sum())


def _volume(bs: BoxSet, keep: list[np.ndarray]) -> float:
    return float(np.prod([(k * w).sum() for k, w in zip(keep, bs.weights, strict=True)]))


def rule_figures(bs: BoxSet, keep: list[np.ndarray]) -> tuple[float, float, float]:
    """The exact IDI mass inside the rule, its volume and the IDI mass of every box."""
    every = [np.ones_like(w) for w in bs.weights]
    return _mass(bs, bs.masks, keep), _volume(bs, keep), _mass(bs, bs.masks, every)


def mass_inside(bs: BoxSet, keep: tuple[np.ndarray, ...]) -> float:
    """The exact mass of ``bs``' boxes inside the rule keeping ``keep`` (its cells, over the
    same atoms as ``bs``' own)."""
    return _mass(bs, bs.masks, list(keep))


def _share(x: float) -> float:
    """A share as exact as its figures: sums of products of weights round, so a rule all
    discriminatory inside (or holding every IDI) may come out as 1 + 2e-16 or 1 - 2e-16
    (an enumerated domain's inputs, each a box: 0.9999999999999998); both are 1."""
    return 1.0 if abs(x - 1.0) <= 1e-12 else min(1.0, x)


def _ordered(schema: Schema, j: int) -> bool:
    return not as_set(schema.features[j])


def _candidates(
    bs: BoxSet, schema: Schema, masks: tuple[Masks, ...], keep: list[np.ndarray]
) -> list[tuple[float, float, int, np.ndarray]]:
    """Each way to shrink the rule by one step: (IDI mass left, volume left, feature, keep)."""
    fac = _factors(bs, masks, keep)
    n_feat = fac.shape[1]
    # each box's weight inside the rule on the features before / after each one
    before = np.cumprod(np.hstack([np.ones((len(fac), 1)), fac[:, :-1]]), axis=1)
    after = np.cumprod(np.hstack([np.ones((len(fac), 1)), fac[:, ::-1][:, :-1]]), axis=1)[:, ::-1]
    vols = np.array([(k * w).sum() for k, w in zip(keep, bs.weights, strict=True)])
    out = []
    for j in range(n_feat):
        if j == bs.skip:
            continue
        on = np.flatnonzero(keep[j])
        if len(on) <= 1:
            continue
        others = before[:, j] * after[:, j]
        cell_mass = masks[j].cells(others) * bs.weights[j] * keep[j]
        cell_vol = np.prod(np.delete(vols, j)) * bs.weights[j] * keep[j]
        drops: list[np.ndarray] = []
        empty = cell_mass[on] <= 0
        if _ordered(schema, j):
            # the cells holding no IDI at either end, at once; then a slice of each end
            lead = int(np.argmin(empty)) if not empty.all() else len(on)
            tail = int(np.argmin(empty[::-1])) if not empty.all() else len(on)
            if 0 < lead + tail < len(on):
                drops.append(np.concatenate([on[:lead], on[len(on) - tail :]]))
            for side in (on, on[::-1]):
                cum = np.cumsum(cell_vol[side])
                k = int(np.searchsorted(cum, _PEEL * cum[-1])) + 1
                if k < len(side):
                    drops.append(side[:k])
        else:
            if empty.any() and not empty.all():
                drops.append(on[empty])
            rate = cell_mass[on] / np.maximum(cell_vol[on], 1e-300)
            drops.append(on[[int(np.argmin(rate))]])
        total_mass = float(cell_mass.sum())
        total_vol = float(cell_vol.sum())
        for drop in drops:
            left_mass = total_mass - float(cell_mass[drop].sum())
            if left_mass <= 0:
                continue
            new = keep[j].copy()
            new[drop] = 0.0
            out.append((left_mass, total_vol - float(cell_vol[drop].sum()), j, new))
    return out


def _score(mass: float, vol: float, total: float) -> float:
    """How good a rule is: the F1 score of its exact share of IDIs inside (precision) and
    share of the IDIs it covers (recall).  (A floor on the share inside, then the most IDIs
    covered, was tried: ten times the overall share gave rules 2-6 % discriminatory inside
    that hold a planted region and the stray boxes around it; half gave rules at exactly
    50 % around the planted one.)"""
    if mass <= 0 or vol <= 0:
        return -1.0
    precision, recall = mass / vol, mass / total
    return 2 * precision * recall / (precision + recall)


def _grow(bs: BoxSet, schema: Schema, masks: tuple[Masks, ...]) -> list[np.ndarray] | None:
    """Peel the whole space down, keep the box on the way that scores best (``_score``),
    polish it one cell at a time, then drop conditions that barely matter."""
    keep = [np.ones_like(w) for w in bs.weights]
    mass = total = _mass(bs, masks, keep)
    if total <= 0:
        return None
    vol = 1.0
    path: list[tuple[float, float, list[np.ndarray]]] = [(mass, vol, [k.copy() for k in keep])]
    while mass / vol < 1.0 - 1e-12:
        options = _candidates(bs, schema, masks, keep)
        if not options:
            break
        mass, vol, j, new = max(options, key=lambda c: (c[0] / c[1], c[0]))
        keep[j] = new
        path.append((mass, vol, [k.copy() for k in keep]))
    best = max(path, key=lambda p: _score(p[0], p[1], total))
    if best[1] >= 1.0:
        return None
    kept = _runs(bs, schema, masks, [k.copy() for k in best[2]], total)
    kept = _polish(bs, schema, masks, kept, total)
    return _prune(bs, masks, kept, total)


def _runs(
    bs: BoxSet, schema: Schema, masks: tuple[Masks, ...], keep: list[np.ndarray], total: float
) -> list[np.ndarray]:
    """Each ordered feature's run of cells set to the best run given the rule's other
    conditions (its ends moved in turn, each to its best place), twice over: peeling and
    one-cell moves cannot leave a run spanning two regions with an empty stretch between
    (two boxes favouring opposite values were one rule, 10 % discriminatory inside)."""
    for _ in range(2):
        for j in range(len(keep)):
            if j == bs.skip or not _ordered(schema, j):
                continue
            fac = _factors(bs, masks, keep)
            others = np.prod(np.delete(fac, j, axis=1), axis=1)
            vols = np.array([(k * w).sum() for k, w in zip(keep, bs.weights, strict=True)])
            mass = np.concatenate([[0.0], np.cumsum(masks[j].cells(others) * bs.weights[j])])
            vol = np.concatenate([[0.0], np.cumsum(np.prod(np.delete(vols, j)) * bs.weights[j])])
            on = np.flatnonzero(keep[j])
            lo, hi = int(on[0]), int(on[-1])
            for _ in range(3):
                # F1 of a run lo..hi: 2 * mass / (volume + total)
                lo = int(
                    np.argmax(
                        2 * (mass[hi + 1] - mass[: hi + 1]) / (vol[hi + 1] - vol[: hi + 1] + total)
                    )
                )
                hi = lo + int(
                    np.argmax(2 * (mass[lo + 1 :] - mass[lo]) / (vol[lo + 1 :] - vol[lo] + total))
                )
            new = np.zeros_like(keep[j])
            new[lo : hi + 1] = 1.0
            if _score(mass[hi + 1] - mass[lo], vol[hi + 1] - vol[lo], total) > _score(
                mass[on[-1] + 1] - mass[on[0]], vol[on[-1] + 1] - vol[on[0]], total
            ):
                keep[j] = new
    return keep


def _polish(
    bs: BoxSet, schema: Schema, masks: tuple[Masks, ...], keep: list[np.ndarray], total: float
) -> list[np.ndarray]:
    """Move one cell in or out of the rule while that raises its score (an ordered feature
    at the ends of its run, a set feature any cell): peeling takes slices, and may cut past
    a region's edge or stop short of it."""
    for _ in range(500):
        fac = _factors(bs, masks, keep)
        mass = float(np.prod(fac, axis=1).sum()) if len(fac) else 0.0
        vol = _volume(bs, keep)
        now = _score(mass, vol, total)
        vols = np.array([(k * w).sum() for k, w in zip(keep, bs.weights, strict=True)])
        best: tuple[float, int, int] | None = None
        for j in range(len(keep)):
            if j == bs.skip:
                continue
            others = np.prod(np.delete(fac, j, axis=1), axis=1)
            cell_mass = masks[j].cells(others) * bs.weights[j]  # every cell, in or out
            cell_vol = np.prod(np.delete(vols, j)) * bs.weights[j]
            on = np.flatnonzero(keep[j])
            if _ordered(schema, j):
                moves = [c for c in (on[0] - 1, on[-1] + 1) if 0 <= c < len(keep[j])]
                if len(on) > 1:
                    moves += [on[0], on[-1]]
            else:
                moves = list(range(len(keep[j]))) if len(on) > 1 else []
                moves += [] if len(on) > 1 else [c for c in range(len(keep[j])) if c != on[0]]
            for c in moves:
                sign = -1.0 if keep[j][c] else 1.0
                got = _score(mass + sign * cell_mass[c], vol + sign * cell_vol[c], total)
                if got > now + 1e-12 and (best is None or got > best[0]):
                    best = (got, j, int(c))
        if best is None:
            return keep
        _, j, c = best
        keep[j] = keep[j].copy()
        keep[j][c] = 1.0 - keep[j][c]
    return keep


def _prune(
    bs: BoxSet, masks: tuple[Masks, ...], keep: list[np.ndarray], total: float
) -> list[np.ndarray]:
    """Drop a condition while the score stays within 5 % of the rule's (a rule stays
    readable; dropping only adds IDIs)."""
    score = _score(_mass(bs, masks, keep), _volume(bs, keep), total)
    while True:
        best: tuple[float, int] | None = None
        for j, k in enumerate(keep):
            if k.all():
                continue
            trial = [*keep[:j], np.ones_like(k), *keep[j + 1 :]]
            got = _score(_mass(bs, masks, trial), _volume(bs, trial), total)
            if got >= score - 0.05 * abs(score) and (best is None or got > best[0]):
                best = (got, j)
        if best is None or sum(not k.all() for k in keep) <= 1:
            return keep
        keep[best[1]] = np.ones_like(keep[best[1]])
        score = best[0]


def _minus(bs: BoxSet, masks: tuple[Masks, ...], keep: list[np.ndarray]) -> tuple[Masks, ...]:
    """The boxes minus the rule, as disjoint boxes: for each restricted feature ``j`` in turn,
    the part outside the rule on ``j`` and inside it on the features before."""
    pieces: list[list[Masks]] = [[] for _ in masks]
    inside = list(masks)
    for j, k in enumerate(keep):
        if k.all():
            continue
        part = [*inside[:j], masks[j].times(1.0 - k), *masks[j + 1 :]]
        alive = np.prod(
            np.stack([p.weigh(w) for p, w in zip(part, bs.weights, strict=True)]), axis=0
        )
        alive = alive > 0
        for i, p in enumerate(part):
            pieces[i].append(p.take(alive))
        inside[j] = masks[j].times(k)
    return tuple(_joined(p) if p else m.take(m.ids[:0]) for p, m in zip(pieces, masks, strict=True))


def _points(
    bs: BoxSet, schema: Schema, masks: tuple[Masks, ...], keep: list[np.ndarray], n: int = 3
) -> np.ndarray:
    """Up to ``n`` encoded inputs, one in each of the boxes holding the most IDI mass inside
    the rule: in each feature the middle cell of the box's cells inside the rule (a discrete
    cell's value, a continuous atom's middle)."""
    if not len(masks[0]):
        return np.zeros((0, len(masks)))
    inside = np.prod(_factors(bs, masks, keep), axis=1)
    chosen = [int(k) for k in np.argsort(-inside, kind="stable")[:n] if inside[k] > 0]
    rows = np.zeros((len(chosen), len(masks)))
    for i, k in enumerate(chosen):
        for j, m in enumerate(masks):
            cells = np.flatnonzero(m.rows[m.ids[k]] * keep[j])
            c = cells[len(cells) // 2]
            middle = (bs.starts[j][c] + bs.ends[j][c]) / 2
            continuous = schema.features[j].kind == "continuous"
            rows[i, j] = (
                bs.starts[j][0] if j == bs.skip else middle if continuous else np.floor(middle)
            )
    return rows


def _as_rule(bs: BoxSet, schema: Schema, keep: list[np.ndarray]) -> Rule:
    conditions: dict[int, tuple[float, float] | tuple[int, ...]] = {}
    for j, k in enumerate(keep):
        if j == bs.skip or k.all():
            continue
        on = np.flatnonzero(k)
        if _ordered(schema, j):
            conditions[j] = (float(bs.starts[j][on[0]]), float(bs.ends[j][on[-1]]))
        else:
            conditions[j] = tuple(int(bs.starts[j][c]) for c in on)
    return Rule(conditions)


def exact_rules(
    bs: BoxSet, schema: Schema, *, max_rules: int = 3, deadline: float | None = None
) -> FoundRules:
    """Up to ``max_rules`` rules (each grown on the IDIs the earlier ones left), best first by
    their F1 against every IDI, each with its exact share of IDIs inside and share of all the
    IDIs it covers (against every box, not only what earlier rules left).  No rule is started after
    ``deadline`` (``time.monotonic()``): the rules are then the best found before it, and
    say so (``FoundRules.cut_by_time``, with the share of the IDIs they leave out)."""
    every = [np.ones_like(w) for w in bs.weights]
    total = _mass(bs, bs.masks, every)
    if total <= 0:
        return FoundRules([])
    masks = bs.masks
    out: list[ExactRule] = []
    cut = False
    for _ in range(max_rules):
        if _mass(bs, masks, every) < 0.01 * total:
            break
        if deadline is not None and out and time.monotonic() > deadline:
            cut = True
            break
        keep = _grow(bs, schema, masks)
        if keep is None:
            break
        inside, volume, _ = rule_figures(bs, keep)
        share, recall = _share(inside / volume), _share(inside / total)
        out.append(
            ExactRule(
                _as_rule(bs, schema, keep),
                share,
                recall,
                volume,
                _points(bs, schema, bs.masks, keep),
                tuple(keep),
            )
        )
        masks = _minus(bs, masks, keep)
    # best first: by the F1 against every IDI (a rule grown on what an earlier one left may
    # score higher than it; the peeling is greedy)
    best = sorted(out, key=lambda r: -_score(r.recall * total, r.volume, total))
    left = _share(_mass(bs, masks, every) / total) if out else 1.0
    return FoundRules(best, cut_by_time=cut, idis_left=left)
