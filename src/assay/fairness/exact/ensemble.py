"""Branch and bound over the encoded domain for tree ensembles with a binary margin, in numpy.

Applies when every split of every tree sends an *interval* of the feature's atoms one way (true
for thresholds on a feature, on its scaled value or on ordered category codes), so that a box is
one atom interval ``[lo, hi)`` per feature and each leaf of each tree is one such interval per
feature too.  For a batch of boxes (the attribute's own feature always whole):

- which leaves each box reaches: one vectorised pass over the nodes, level by level;
- for each atom ``alpha`` of the attribute, bounds on the margin: the base plus, per tree, the
  least and the largest contribution among the leaves reachable with ``alpha``;
- a box is *discriminatory* when one ``alpha`` surely gives class 1 and another surely class 0,
  *clean* when every ``alpha`` surely gives the same class or no reachable leaf depends on the
  attribute, and otherwise it is cut in two: each tree's shallowest split the box straddles
  votes for its feature with the width of the tree's bounds, and the box is cut on the winning
  feature where the widest of its voters cuts it; both halves go back into the pool;
- boxes with few cells (combinations of atoms) are settled by following every cell down the
  trees.

Boxes are taken from the pool by mass, weighted up when their parent's bounds were nearly
decisive, so the undecided mass (the gap between the certain lower and upper bounds) shrinks
fast.  When the time is up the undecided boxes are sampled uniformly (each input of the
undecided volume equally likely), each cell followed down the trees with the model's own
arithmetic: that gives a statistical interval inside the certain bounds, reported as such.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from assay.fairness.exact import kernel, settle
from assay.fairness.exact.domain import Atoms, Domain
from assay.fairness.exact.order import atom_orders, first_change, permuted, split_in
from assay.fairness.exact.trees import TreeModel

__all__ = ["Flat", "Refined", "flatten", "refine"]

_BATCH = 512  # boxes per vectorised step (memory: a few (batch, leaves) arrays)
_CELLS = 64
_NEAR = 0.05  # priority weight of the least decided boxes against the nearly decided (0.55)
# boxes with at most this many cells are enumerated


@dataclass(frozen=True)
class Flat:
    """The ensemble's nodes and leaves over atom intervals."""

    n_features: int
    n_atoms: np.ndarray  # (F,) atoms per feature
    attribute: int
    # edges from parent to child, grouped by depth: the box must reach the child's side
    levels: tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...]
    n_nodes: int
    roots: np.ndarray  # (T,) node id of each tree's root
    go: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # col, cut, low, high,
    # margin value: a cell goes to ``low`` when its atom in ``col`` is < ``cut``
    depth: int  # the deepest leaf
    width: int  # leaf slots per tree
    model: TreeModel
    # leaf slots, ``width`` per tree in tree order (slots past a tree's leaves: padding)
    leaf_node: np.ndarray  # (L,) node id of each leaf
    leaf_value: np.ndarray  # (L,) contribution to the binary margin
    leaf_lo: np.ndarray  # (F, L) atom interval of each leaf per feature
    leaf_hi: np.ndarray
    allow: np.ndarray  # (n_alpha, L) leaf reachable with the attribute's atom alpha
    restricts: np.ndarray  # (L,) the leaf's path tests the attribute
    # internal nodes (not on the attribute), ``n_splits`` slots per tree, shallowest first
    split_left: np.ndarray  # node id of the child on the low side (padding: never reached)
    split_right: np.ndarray  # node id of the child on the high side
    split_feature: np.ndarray
    split_cut: np.ndarray  # low side: atoms < cut
    n_splits: int
    base: float
    cumweight: tuple[np.ndarray, ...]  # per feature: (n_atoms + 1,) cumulative weights
    # per node: the node of its tree it stands for (past a tree's own nodes: copies, made by
    # cuts at a missing atom); per feature: the atoms in the order of the boxes here (their
    # indices in the domain: a missing atom moved to the bottom, ``order``)
    origin: np.ndarray
    orders: tuple[np.ndarray, ...]


class _Nodes:
    """``flatten``'s nodes as lists: feature, cut, low and high child, value, and the node of
    its tree each stands for."""

    def __init__(self) -> None:
        self.col: list[int] = []
        self.cut: list[int] = []
        self.low: list[int] = []
        self.high: list[int] = []
        self.value: list[float] = []
        self.origin: list[int] = []

    def add(self, owns: Iterable[int]) -> int:
        """New nodes standing for the tree's nodes ``owns`` (each a leaf looping on itself until
        set); the first one's id."""
        first = len(self.col)
        for own in owns:
            i = len(self.col)
            self.col.append(0)
            self.cut.append(0)
            self.low.append(i)
            self.high.append(i)
            self.value.append(0.0)
            self.origin.append(own)
        return first


def flatten(domain: Domain, model: TreeModel, attribute: int) -> Flat | str:
    """The arrays of the refinement, or why this model does not fit it."""
    margins = model.margins()
    if margins is None:
        return "more than two classes"
    atoms = domain.atoms
    n_feat = len(atoms)
    n_atoms = np.array([x.n for x in atoms], dtype=np.int64)
    parents: list[int] = []
    children: list[int] = []
    depths: list[int] = []
    sides: list[int] = []  # column of the box to compare: j (lo, low side) or F + j (hi, high)
    cuts: list[float] = []
    leaf_node: list[int] = []
    leaf_value: list[float] = []
    leaf_lo: list[list[int]] = []
    leaf_hi: list[list[int]] = []
    tree_start: list[int] = []
    roots: list[int] = []
    s_node: list[int] = []
    s_left: list[int] = []
    s_right: list[int] = []
    s_tree: list[int] = []
    s_feat: list[int] = []
    s_cut: list[int] = []
    s_depth: list[int] = []
    orders = atom_orders(domain)
    if isinstance(orders, str):
        return orders
    moved = [not np.array_equal(o, np.arange(len(o))) for o in orders]
    # for following single cells down the trees: node -> feature, cut, children, value, and
    # the tree's own node it stands for (a node past a tree's own: a copy made by a cut at
    # a missing atom, ``order``)
    nodes = _Nodes()
    cap = 4 * sum(len(tree.feature) for tree in model.trees) + 4096

    def node_of(own: int, fresh: bool) -> int:
        """A node for the tree's node ``own``: its own slot, or a new one past them."""
        if not fresh:
            return offset + own
        return nodes.add([own])

    offset = 0
    for t, tree in enumerate(model.trees):
        feats = domain.node_feature[t]
        lefts = domain.node_left[t]
        size = len(tree.feature)
        offset = nodes.add(range(size))
        used = [False] * size
        tree_start.append(len(leaf_node))
        roots.append(offset)
        used[0] = True
        # (tree node, its node here, depth, box of the path)
        stack: list[tuple[int, int, int, list[int], list[int]]] = [
            (0, offset, 0, [0] * n_feat, [int(n) for n in n_atoms])
        ]
        while stack:
            node, here, depth, lo, hi = stack.pop()
            nodes.origin[here] = node  # (a node skipped here hands its place to its child)
            j = int(feats[node])
            if j < 0:
                nodes.value[here] = float(margins[t][node])
                if all(lo[i] < hi[i] for i in range(n_feat)):
                    leaf_node.append(here)
                    leaf_value.append(float(margins[t][node]))
                    leaf_lo.append(lo)
                    leaf_hi.append(hi)
                continue
            bits = permuted(lefts[node], orders[j]) if moved[j] else lefts[node]
            whole = split_in(bits, 0, int(n_atoms[j]))
            if whole is not None:
                cut, left_low = whole
                low_own = int(tree.left[node] if left_low else tree.right[node])
                high_own = int(tree.right[node] if left_low else tree.left[node])
            else:  # a missing atom's feature: the split inside the path's box
                inside = split_in(bits, lo[j], hi[j])
                if inside is not None and inside[0] in (lo[j], hi[j]):
                    # one side is empty here: this node is its other child
                    goes_left = inside[1] == (inside[0] == hi[j])
                    child = int(tree.left[node] if goes_left else tree.right[node])
                    stack.append((child, here, depth, lo, hi))
                    continue
                if inside is not None:
                    cut, left_low = inside
                    low_own = int(tree.left[node] if left_low else tree.right[node])
                    high_own = int(tree.right[node] if left_low else tree.left[node])
                else:  # cut at the missing atom first: both halves come back to this node
                    cut = first_change(bits, lo[j], hi[j])
                    low_own = high_own = node
            low_child = node_of(low_own, low_own == node or used[low_own])
            high_child = node_of(high_own, high_own == node or used[high_own])
            if low_own != node:
                used[low_own] = used[high_own] = True
            if len(nodes.col) > cap:
                return "a missing atom's cuts copy too much of the trees"
            nodes.col[here] = j
            nodes.cut[here] = cut
            nodes.low[here] = low_child
            nodes.high[here] = high_child
            lo_hi = list(hi)
            lo_hi[j] = min(hi[j], cut)
            hi_lo = list(lo)
            hi_lo[j] = max(lo[j], cut)
            for child, side in ((low_child, j), (high_child, n_feat + j)):
                parents.append(here)
                children.append(child)
                depths.append(depth + 1)
                if j == attribute:
                    sides.append(0)
                    cuts.append(np.inf)  # the attribute: decided per alpha at the leaves
                else:
                    sides.append(side)
                    cuts.append(float(cut) if side < n_feat else -float(cut))
            if j != attribute:
                s_node.append(here)
                s_left.append(low_child)
                s_right.append(high_child)
                s_tree.append(t)
                s_feat.append(j)
                s_cut.append(cut)
                s_depth.append(depth)
            # high side pushed first so that leaves come out in depth-first order
            stack.append((high_own, high_child, depth + 1, hi_lo, list(hi)))
            stack.append((low_own, low_child, depth + 1, list(lo), lo_hi))
    offset = nodes.add([0])  # the padding node: no box reaches it
    depth_arr = np.array(depths, dtype=np.int64)
    par, chi = np.array(parents, dtype=np.int64), np.array(children, dtype=np.int64)
    side_arr, cut_arr = np.array(sides, dtype=np.int64), np.array(cuts)
    side_arr = np.where(np.isinf(cut_arr), 2 * n_feat, side_arr)
    levels = []
    for d in range(1, int(depth_arr.max(initial=0)) + 1):
        k = depth_arr == d
        levels.append((par[k], chi[k], side_arr[k], cut_arr[k]))
    # leaves padded to the same count per tree (padding: a node no box reaches, id n_nodes)
    counts = np.diff(np.array([*tree_start, len(leaf_node)]))
    width = int(counts.max())
    slot = (
        np.repeat(np.arange(len(counts)), counts) * width
        + np.arange(len(leaf_node))
        - np.repeat(np.array(tree_start), counts)
    )
    n_slots = len(counts) * width
    node_arr = np.full(n_slots, offset, dtype=np.int64)
    node_arr[slot] = leaf_node
    value_arr = np.zeros(n_slots)
    value_arr[slot] = leaf_value
    lo_arr = np.zeros((n_feat, n_slots), dtype=np.int64)
    lo_arr[:, slot] = np.array(leaf_lo, dtype=np.int64).T
    hi_arr = np.zeros((n_feat, n_slots), dtype=np.int64)
    hi_arr[:, slot] = np.array(leaf_hi, dtype=np.int64).T
    n_alpha = int(n_atoms[attribute])
    alphas = np.arange(n_alpha)[:, None]
    allow = (lo_arr[attribute][None, :] <= alphas) & (alphas < hi_arr[attribute][None, :])
    restricts = (lo_arr[attribute] > 0) | (hi_arr[attribute] < n_alpha)
    # splits padded to the same count per tree, tree by tree, shallowest first
    order = np.lexsort((np.array(s_depth), np.array(s_tree)))
    n_trees = len(model.trees)
    s_tree_arr = np.array(s_tree, dtype=np.int64)[order]
    per_tree = np.bincount(s_tree_arr, minlength=n_trees)
    n_per = max(1, int(per_tree.max(initial=0)))
    starts = np.concatenate([[0], np.cumsum(per_tree)[:-1]])
    s_slot = s_tree_arr * n_per + np.arange(len(order)) - starts[s_tree_arr]

    def padded(values: list[int], fill: int) -> np.ndarray:
        out = np.full(n_trees * n_per, fill, dtype=np.int64)
        out[s_slot] = np.array(values, dtype=np.int64)[order]
        return out

    return Flat(
        n_features=n_feat,
        n_atoms=n_atoms,
        attribute=attribute,
        levels=tuple(levels),
        n_nodes=offset + 1,
        go=(
            np.array(nodes.col, dtype=np.int64),
            np.array(nodes.cut, dtype=np.int64),
            np.array(nodes.low, dtype=np.int64),
            np.array(nodes.high, dtype=np.int64),
            np.array(nodes.value),
        ),
        depth=int(depth_arr.max(initial=0)),
        roots=np.array(roots, dtype=np.int64),
        width=width,
        model=model,
        leaf_node=node_arr,
        leaf_value=value_arr,
        leaf_lo=lo_arr,
        leaf_hi=hi_arr,
        allow=allow,
        restricts=restricts,
        split_left=padded(s_left, offset),
        split_right=padded(s_right, offset),
        split_feature=padded(s_feat, 0),
        split_cut=padded(s_cut, 0),
        n_splits=n_per,
        base=model.margin_base,
        cumweight=tuple(
            np.concatenate([[0.0], np.cumsum(x.weight[o])])
            for x, o in zip(atoms, orders, strict=True)
        ),
        origin=np.array(nodes.origin, dtype=np.int64),
        orders=orders,
    )


@dataclass
class Refined:
    """What the refinement settled, and the undecided boxes left."""

    disc_mass: float
    pend_lo: np.ndarray  # (M, F) undecided boxes
    pend_hi: np.ndarray
    pend_mass: np.ndarray
    found_lo: np.ndarray  # discriminatory boxes kept (largest), (K, F)
    found_hi: np.ndarray
    found_mass: np.ndarray
    n_boxes: int  # discriminatory boxes in all (cells of enumerated boxes count one each)
    steps: int
    enumerated_cells: int
    timed_out: bool
    estimate: dict[str, float] | None = field(default=None)
    decided: int = 0  # boxes decided one by one (the compiled refinement)
    build_seconds: float = 0.0  # spent compiling the kernel on its first use (0: it was cached)
    unbuilt: bool = False  # numba is there but the kernel is not built: the vectorised loop ran
    settled: int = 0  # undecided boxes whose discriminatory mass was counted at once (``settle``)
    settle_tries: tuple[int, ...] = ()  # ``settle``'s tries: all, past its cheap test, its cuts
    # asked for who is favoured (``direction``): per alpha, the discriminatory mass settled in
    # which alpha gets class 1 (the rest of ``disc_mass`` gets class 0); else None
    ones: np.ndarray | None = None


def refine(
    flat: Flat,
    *,
    deadline: float,
    tolerance: float = 0.0,
    max_boxes: int = 50,
    max_pool: int = 2_000_000,
    max_steps: int | None = None,
    compiled: bool | None = None,
    wide: bool = False,
    threads: int | None = None,
    direction: bool = False,
) -> Refined:
    """Settle boxes until none are left, the undecided mass is at most ``tolerance``, the
    deadline (``time.monotonic()``) passes or the pool holds ``max_pool`` boxes.

    ``compiled``: settle the boxes one at a time, the largest first, with
    ``kernel.best_first`` (default: when numba is installed and the kernel is built, or the
    time left can take its building, ``_BUILD_ROOM`` seconds); False: the vectorised loop
    here.  ``wide``: the compiled kernel's boxes in int32 even where int16 would hold them.
    ``threads``: heaps refined at once by the compiled kernel (see ``_refine_best_first``).
    ``direction``: a box counts as discriminatory only once every alpha's class is decided
    in it (boxes of an attribute of two atoms always are; with more, some are cut further),
    and ``Refined.ones`` says per alpha how much of the discriminatory mass gets class 1."""
    unbuilt = False
    if compiled is None:
        compiled = kernel.COMPILED and (
            kernel.ready() or deadline - time.monotonic() >= _BUILD_ROOM
        )
        unbuilt = kernel.COMPILED and not compiled
    if compiled:
        return _refine_best_first(
            flat,
            deadline=deadline,
            tolerance=tolerance,
            max_boxes=max_boxes,
            max_pool=max_pool,
            max_steps=max_steps,
            wide=wide,
            threads=threads,
            direction=direction,
        )
    n_feat = flat.n_features
    ones = np.zeros(len(flat.allow))
    pool = _Pool(n_feat)
    root_lo = np.zeros((1, n_feat), dtype=np.int64)
    root_hi = flat.n_atoms[None, :].copy()
    pool.push(root_lo, root_hi, _mass(flat, root_lo, root_hi))
    batch = int(np.clip(2**21 // (len(flat.leaf_node) + flat.n_nodes), 256, 8192))
    disc_mass = 0.0
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    n_boxes = 0
    steps = 0
    cells_done = 0
    timed_out = False
    while pool.size:
        if (
            time.monotonic() > deadline
            or pool.size > max_pool
            or (max_steps is not None and steps >= max_steps)
        ):
            timed_out = True
            break
        if tolerance > 0 and pool.mass_left() <= tolerance:
            break
        steps += 1
        lo, hi, mass = pool.pop(batch)
        # small boxes: every cell
        cells = np.prod(np.where(np.arange(n_feat) == flat.attribute, 1, hi - lo), axis=1)
        small = cells <= _CELLS
        if small.any():
            d_mass, d_lo, d_hi, d_w, n, d_ones = _enumerate(flat, lo[small], hi[small])
            disc_mass += d_mass
            ones += d_ones
            n_boxes += n
            cells_done += int(cells[small].sum())
            if len(d_w):
                found.append((d_lo, d_hi, d_w))
            lo, hi, mass = lo[~small], hi[~small], mass[~small]
            if not len(mass):
                continue
        node_reach = _reach(flat, lo, hi)
        reach = node_reach[:, flat.leaf_node]
        lows, highs, widths = _bounds(flat, reach)
        sure1 = lows > flat.model.tie
        sure0 = highs < -flat.model.tie
        dep = (reach & flat.restricts).any(axis=1)
        disc = sure1.any(axis=1) & sure0.any(axis=1)
        clean = ~disc & (sure1.all(axis=1) | sure0.all(axis=1) | ~dep)
        if direction:  # discriminatory once every alpha's class is decided
            disc &= (sure1 | sure0).all(axis=1)
        if disc.any():
            disc_mass += float(mass[disc].sum())
            ones += mass[disc] @ sure1[disc]
            n_boxes += int(disc.sum())
            found.append((lo[disc], hi[disc], mass[disc]))
        open_ = ~(disc | clean)
        if not open_.any():
            continue
        lo, hi, mass = lo[open_], hi[open_], mass[open_]
        node_reach = node_reach[open_]
        width = widths[open_]
        # per tree, the shallowest split the box straddles; the feature these splits test
        # most (weighted by their trees' widths) is cut where the widest such tree cuts it
        n_open = len(lo)
        n_trees = len(flat.roots)
        straddled = (node_reach[:, flat.split_left] & node_reach[:, flat.split_right]).reshape(
            n_open, n_trees, flat.n_splits
        )
        first = np.argmax(straddled, axis=2)
        has = np.take_along_axis(straddled, first[:, :, None], axis=2)[:, :, 0]
        slot = np.arange(n_trees)[None, :] * flat.n_splits + first
        feat_t = flat.split_feature[slot]
        weight = np.where(has, width, 0.0)
        score = np.bincount(
            (np.arange(n_open)[:, None] * n_feat + feat_t).ravel(),
            weights=weight.ravel(),
            minlength=n_open * n_feat,
        ).reshape(n_open, n_feat)
        best_feat = np.argmax(score, axis=1)
        # a tree straddling a split on that feature, the widest first; else any straddling tree
        key = np.where(has, np.where(feat_t == best_feat[:, None], 2.0 + width, 1.0), 0.0)
        best_tree = np.argmax(key, axis=1)
        rows = np.arange(n_open)
        choice = slot[rows, best_tree]
        straddled = has
        stuck = ~straddled.any(axis=1)
        keep_rows = np.arange(len(lo))
        if stuck.any():
            # every tree reaches one leaf per alpha but the margin is too close to zero for
            # the bounds: all the box's cells behave as its first one
            cls = _cells_classes(flat, lo[stuck])
            one = cls.any(axis=1) & ~cls.all(axis=1)
            disc_mass += float(mass[stuck][one].sum())
            ones += mass[stuck][one] @ cls[one]
            n_boxes += int(one.sum())
            found.append((lo[stuck][one], hi[stuck][one], mass[stuck][one]))
            keep = ~stuck
            lo, hi, choice = lo[keep], hi[keep], choice[keep]
            keep_rows = np.flatnonzero(keep)
        j = flat.split_feature[choice]
        cut = flat.split_cut[choice]
        rows = np.arange(len(lo))
        lo_left, hi_left = lo.copy(), hi.copy()
        hi_left[rows, j] = cut
        lo_right, hi_right = lo.copy(), hi.copy()
        lo_right[rows, j] = cut
        # priority: the mass, raised for boxes whose parent was nearly decided (its margin
        # bounds reached only a little past zero: u near 0) as they settle in fewer cuts
        lw, hg = lows[open_][keep_rows], highs[open_][keep_rows]
        span = np.maximum(hg - lw, 1e-300)
        u = np.clip(np.minimum(hg, -lw) / span, 0.0, 0.5).max(axis=1)
        near = 0.5 + _NEAR - u
        m_left, m_right = _mass(flat, lo_left, hi_left), _mass(flat, lo_right, hi_right)
        pool.push(lo_left, hi_left, m_left, m_left * near)
        pool.push(lo_right, hi_right, m_right, m_right * near)
        if sum(len(f[2]) for f in found) > 4 * max_boxes:
            found = [_top(found, n_feat, max_boxes)]
    found_lo, found_hi, found_mass = _top(found, n_feat, max_boxes)
    pool_lo, pool_hi = pool.boxes()
    pool_mass = _mass(flat, pool_lo, pool_hi)
    return Refined(
        disc_mass=disc_mass,
        pend_lo=pool_lo,
        pend_hi=pool_hi,
        pend_mass=pool_mass,
        found_lo=found_lo,
        found_hi=found_hi,
        found_mass=found_mass,
        n_boxes=n_boxes,
        steps=steps,
        enumerated_cells=cells_done,
        timed_out=timed_out,
        unbuilt=unbuilt,
        ones=ones if direction else None,
    )


@dataclass(frozen=True)
class _KernelArrays:
    """The ensemble as ``kernel.settle`` reads it."""

    # node feature (-1: leaf), cut, low child, high child, value; tree roots; trees that
    # test the attribute
    model: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
    tree_size: int
    depth: int  # the most cuts on a path from the whole domain, plus 2
    cw: np.ndarray  # (F, max atoms + 1) cumulative weights, padded

    @staticmethod
    def of(flat: Flat) -> _KernelArrays:
        col, cut, low, high, value = flat.go
        ids = np.arange(len(col))
        feat = np.where(low == ids, -1, col).astype(np.int64)
        bounds = np.append(flat.roots, flat.n_nodes - 1)  # the last node: padding
        tree_of = np.searchsorted(bounds, ids, side="right") - 1
        on_attr = (feat == flat.attribute) & (tree_of < len(flat.roots))
        uses = np.bincount(tree_of[on_attr], minlength=len(flat.roots)) > 0
        cw = np.zeros((flat.n_features, int(flat.n_atoms.max()) + 1))
        for f, c in enumerate(flat.cumweight):
            cw[f, : len(c)] = c
        return _KernelArrays(
            model=(
                feat,
                cut.astype(np.int64),
                low.astype(np.int64),
                high.astype(np.int64),
                value.astype(np.float64),
                flat.roots.astype(np.int64),
                uses.astype(np.int64),
            ),
            tree_size=int(np.diff(bounds).max(initial=1)),
            depth=int(np.sum(np.delete(flat.n_atoms, flat.attribute) - 1)) + 2,
            cw=cw,
        )


_BUILD_ROOM = 150.0  # seconds left that can take building the kernel on its first use
_PER_BOX = 6  # halves decided depth first under a box taken from the heap (2: none deeper)
_SETTLE_PIECES = 128  # an undecided box is settled at once when each side has at most this
_SETTLE_PAIRS = 128 * 128  # many pieces (and, for an attribute of 3+ values, this many pairs)
# the heap's order: an undecided box's mass times 1 - _BETA x (how deep zero lies inside its
# margin's bounds: 0 at an end, 1 in the middle), so that boxes a few cuts may decide go
# first (0: the mass alone; see ``kernel._priority``)
_BETA = 0.9
_CALL_STEPS = 50_000  # boxes decided per call of the kernel when ``max_steps`` is given
_CALL_SECONDS = (
    0.1  # else each call sized to take about this long (the deadline is checked between)
)


def _refine_best_first(
    flat: Flat,
    *,
    deadline: float,
    tolerance: float,
    max_boxes: int,
    max_pool: int,
    max_steps: int | None,
    wide: bool = False,
    threads: int | None = None,
    direction: bool = False,
) -> Refined:
    """``refine`` with ``kernel.best_first``: the undecided box first in its heap's order
    (the mass, less for a box deep undecided: ``_BETA``) first, one at a time
    (``max_steps``: calls of the kernel, each deciding up to ``_CALL_STEPS`` boxes).

    With ``threads`` > 1 (default: the cores this process may use, at most ``_THREADS``; one
    when ``max_steps`` is given, so that step-limited runs repeat exactly) the undecided boxes
    are dealt out to that many heaps, each refined by the kernel on its own thread (it runs
    without the GIL) in rounds of ``_ROUND_SECONDS``; between rounds the heaps are dealt anew
    when their masses drift apart.  The bounds are as certain as with one heap: every box is
    in exactly one heap, and each is decided by the same tests."""
    if threads is None:
        threads = 1 if max_steps is not None else _cores()
    k = _KernelArrays.of(flat)
    dtype = np.int16 if int(flat.n_atoms.max()) < 2**15 and not wide else np.int32
    # the pool holds only undecided boxes, in int16 when the atoms allow: 4x the vectorised cap
    max_pool = 4 * max_pool
    root = np.zeros((1, 2, flat.n_features), dtype=dtype)
    root[0, 1] = flat.n_atoms
    mass = _mass(flat, root[:, 0].astype(np.int64), root[:, 1].astype(np.int64))
    heaps = [_Heap(flat, k, root, mass, max_boxes, max_pool, max_steps is not None, direction)]
    # one heap until it holds a few boxes per thread, then one heap per thread
    spread = _SPREAD * threads if threads > 1 else 0
    heaps[0].run(deadline, tolerance, max_steps, until_boxes=spread)
    if threads > 1 and heaps[0].n_heap >= spread and not (heaps[0].stopped or heaps[0].full):
        heaps = _deal(heaps, threads, max_pool // threads)
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="assay-exact") as ex:
            while any(h.n_heap for h in heaps):
                left = sum(h.left() for h in heaps)
                if tolerance > 0 and left <= tolerance:
                    break
                if time.monotonic() > deadline:
                    heaps[0].stopped = True
                    break
                until = min(deadline, time.monotonic() + _ROUND_SECONDS)
                # each heap may end the round when the rest is within the tolerance
                room = [tolerance - (left - h.left()) if tolerance > 0 else 0.0 for h in heaps]
                jobs = [ex.submit(h.run, until, r, None) for h, r in zip(heaps, room, strict=True)]
                for job in jobs:
                    job.result()
                if any(h.full for h in heaps):
                    break
                for h in heaps:
                    h.stopped = False  # the round's end, not the deadline
                masses = [h.left() for h in heaps]
                if min(masses) < _REDEAL * max(masses):
                    heaps = _deal(heaps, threads, max_pool // threads)
    timed_out = any(h.stopped or h.full for h in heaps)
    found = [f for h in heaps for f in h.found]
    found_lo, found_hi, found_mass = _top(found, flat.n_features, max_boxes)
    pool_lo = np.concatenate([h.h_box[: h.n_heap, 0] for h in heaps]).astype(np.int64)
    pool_hi = np.concatenate([h.h_box[: h.n_heap, 1] for h in heaps]).astype(np.int64)
    work = [h.work[16] for h in heaps]
    return Refined(
        disc_mass=sum(h.disc_mass for h in heaps),
        pend_lo=pool_lo,
        pend_hi=pool_hi,
        pend_mass=_mass(flat, pool_lo, pool_hi),
        found_lo=found_lo,
        found_hi=found_hi,
        found_mass=found_mass,
        n_boxes=sum(h.n_boxes for h in heaps),
        steps=sum(h.steps for h in heaps),
        enumerated_cells=0,
        timed_out=timed_out,
        decided=sum(h.decided for h in heaps),
        build_seconds=heaps[0].build_seconds,
        settled=sum(h.settled for h in heaps),
        settle_tries=tuple(int(sum(int(w[i]) for w in work)) for i in range(len(work[0]))),
        ones=sum((h.ones for h in heaps), np.zeros(len(flat.allow))) if direction else None,
    )


_THREADS = 4  # heaps refined at once, at most (each on its own core)
_SPREAD = 16  # undecided boxes per heap before the one heap is dealt out
_ROUND_SECONDS = 1.0  # the threads meet this often (the deadline and tolerance checked)
_REDEAL = 0.25  # the heaps are dealt anew when one holds less than this share of the largest


def _cores() -> int:
    """The cores this process may run on, at most ``_THREADS``."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        n = os.cpu_count() or 1
    return max(1, min(_THREADS, n))


def _deal(heaps: list[_Heap], n: int, max_pool: int) -> list[_Heap]:
    """The boxes of ``heaps`` dealt out to ``n`` heaps, the first in the heaps' order first,
    in turn (a list sorted by key, largest first, is a max-heap; each heap gets about a share
    of the mass)."""
    box = np.concatenate([h.h_box[: h.n_heap] for h in heaps])
    mass = np.concatenate([h.h_m[: h.n_heap] for h in heaps])
    key = np.concatenate([h.h_p[: h.n_heap] for h in heaps])
    order = np.argsort(-key, kind="stable")
    box, mass, key = box[order], mass[order], key[order]
    out = []
    for i in range(n):
        first = heaps[0]
        h = _Heap(
            first.flat,
            first.k,
            box[i::n],
            mass[i::n],
            first.max_boxes,
            max_pool,
            direction=first.direction,
            key=key[i::n],
        )
        h.build_seconds = heaps[0].build_seconds if i == 0 else 0.0
        out.append(h)
    for i, h in enumerate(heaps):
        target = out[i % n]
        target.disc_mass += h.disc_mass
        target.n_boxes += h.n_boxes
        target.steps += h.steps
        target.decided += h.decided
        target.settled += h.settled
        target.found.extend(h.found)
        target.ones += h.ones
        target.work[16][:] += h.work[16]
    return out


class _Heap:
    """One max-heap of undecided boxes on mass, refined by calls of ``kernel.best_first``
    (each about ``_CALL_SECONDS`` long, or ``_CALL_STEPS`` boxes when steps are counted), with
    what its calls found."""

    def __init__(
        self,
        flat: Flat,
        k: _KernelArrays,
        box: np.ndarray,
        mass: np.ndarray,
        max_boxes: int,
        max_pool: int,
        counted: bool = False,
        direction: bool = False,
        key: np.ndarray | None = None,
    ) -> None:
        self.flat, self.k, self.max_boxes, self.max_pool = flat, k, max_boxes, max_pool
        self.cap = max(1 << 14, 1 << int(np.ceil(np.log2(len(mass) + k.depth + 3))))
        self.h_box = np.zeros((self.cap, *box.shape[1:]), dtype=box.dtype)
        self.h_m = np.zeros(self.cap)
        self.h_p = np.zeros(self.cap)  # the heap's order: mass, less for boxes deep undecided
        self.n_heap = len(mass)
        self.h_box[: self.n_heap] = box
        self.h_m[: self.n_heap] = mass
        self.h_p[: self.n_heap] = mass if key is None else key
        self.work = settle.workspace(
            flat.n_features, len(flat.roots), len(flat.allow), _SETTLE_PIECES
        )
        self.call_steps = _CALL_STEPS if counted else 2_000
        self.disc_mass = 0.0
        self.direction = direction
        self.ones = np.zeros(len(flat.allow))  # (``refine``'s ``direction``)
        self.found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.n_boxes = self.steps = self.decided = self.settled = 0
        self.build_seconds = 0.0
        self.stopped = False  # the deadline or the steps ended its last run
        self.full = False  # no room left for more boxes

    def left(self) -> float:
        return float(self.h_m[: self.n_heap].sum())

    def run(
        self,
        deadline: float,
        tolerance: float,
        max_steps: int | None,
        until_boxes: int = 0,
    ) -> None:
        """Calls of the kernel until the heap is empty, its mass is within ``tolerance``
        (when positive), ``deadline`` (``time.monotonic()``) or ``max_steps`` calls (both: it
        is ``stopped``), no room is left (``full``) or it holds ``until_boxes`` (when
        positive)."""
        flat, k = self.flat, self.k
        while self.n_heap:
            if time.monotonic() > deadline or (max_steps is not None and self.steps >= max_steps):
                self.stopped = True
                return
            if tolerance > 0 and self.left() <= tolerance:
                return
            if 0 < until_boxes <= self.n_heap:
                return
            if self.n_heap + k.depth + 2 > self.cap:
                if self.cap >= self.max_pool:
                    self.full = True
                    return
                self.cap = min(2 * self.cap, max(self.max_pool, self.n_heap + k.depth + 2))
                self.h_box = np.concatenate([self.h_box, np.zeros_like(self.h_box)])[: self.cap]
                self.h_m = np.concatenate([self.h_m, np.zeros_like(self.h_m)])[: self.cap]
                self.h_p = np.concatenate([self.h_p, np.zeros_like(self.h_p)])[: self.cap]
            self.steps += 1
            started = time.monotonic()
            first_use = not getattr(kernel.best_first, "signatures", [None])
            self.n_heap, d_mass, n_d, n_steps, d_box, d_m, ties, n_set = kernel.best_first(
                self.h_box,
                self.h_m,
                self.h_p,
                self.n_heap,
                k.model,
                k.tree_size,
                k.cw,
                flat.attribute,
                len(flat.allow),
                flat.base,
                flat.model.tie,
                self.call_steps if until_boxes <= 0 else min(self.call_steps, until_boxes),
                self.max_boxes,
                _PER_BOX,
                k.depth,
                self.work,
                _SETTLE_PIECES,
                _SETTLE_PAIRS,
                self.direction,
                self.ones,
                _BETA,
            )
            self.decided += int(n_steps)
            self.settled += int(n_set)
            if first_use:
                # numba compiled the kernel (or loaded it from its cache) in this call
                build = time.monotonic() - started
                self.build_seconds = build if build > 1.0 else 0.0
            elif max_steps is None and n_steps >= self.call_steps:
                # the next call sized to end about ``_CALL_SECONDS`` on, the deadline checked
                took = max(time.monotonic() - started, 1e-4)
                self.call_steps = int(
                    np.clip(self.call_steps * _CALL_SECONDS / took, 1_000, 1_000_000)
                )
            self.disc_mass += float(d_mass)
            self.n_boxes += int(n_d)
            if len(d_m):
                self.found.append((d_box[:, 0].astype(np.int64), d_box[:, 1].astype(np.int64), d_m))
            if len(ties):
                t_lo, t_hi = ties[:, 0].astype(np.int64), ties[:, 1].astype(np.int64)
                cls = _cells_classes(flat, t_lo)
                one = cls.any(axis=1) & ~cls.all(axis=1)
                if one.any():
                    t_mass = _mass(flat, t_lo[one], t_hi[one])
                    self.disc_mass += float(t_mass.sum())
                    self.ones += t_mass @ cls[one]
                    self.n_boxes += int(one.sum())
                    self.found.append((t_lo[one], t_hi[one], t_mass))
            if sum(len(f[2]) for f in self.found) > 4 * self.max_boxes:
                self.found = [_top(self.found, flat.n_features, self.max_boxes)]


class _Pool:
    """The undecided boxes not yet refined, taken by priority: preallocated rows, free ones
    with mass and priority -1."""

    def __init__(self, n_feat: int, capacity: int = 4096) -> None:
        self.lo = np.zeros((capacity, n_feat), dtype=np.int32)
        self.hi = np.zeros((capacity, n_feat), dtype=np.int32)
        self.mass = np.full(capacity, -1.0)
        self.prio = np.full(capacity, -1.0)
        self.free = np.arange(capacity - 1, -1, -1, dtype=np.int64)
        self.n_free = capacity

    @property
    def size(self) -> int:
        return len(self.mass) - self.n_free

    def mass_left(self) -> float:
        return float(self.mass[self.mass > 0].sum())

    def push(
        self, lo: np.ndarray, hi: np.ndarray, mass: np.ndarray, prio: np.ndarray | None = None
    ) -> None:
        k = len(mass)
        while self.n_free < k:
            cap = len(self.mass)
            self.lo = np.concatenate([self.lo, np.zeros_like(self.lo)])
            self.hi = np.concatenate([self.hi, np.zeros_like(self.hi)])
            self.mass = np.concatenate([self.mass, np.full(cap, -1.0)])
            self.prio = np.concatenate([self.prio, np.full(cap, -1.0)])
            fresh = np.arange(2 * cap - 1, cap - 1, -1, dtype=np.int64)
            self.free = np.concatenate([self.free[: self.n_free], fresh])
            self.n_free += cap
        slots = self.free[self.n_free - k : self.n_free]
        self.n_free -= k
        self.lo[slots] = lo
        self.hi[slots] = hi
        self.mass[slots] = mass
        self.prio[slots] = mass if prio is None else prio

    def pop(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``k`` boxes of largest mass (fewer when fewer are left)."""
        k = min(k, self.size)
        take = np.argpartition(-self.prio, k - 1)[:k] if k < len(self.prio) else np.arange(k)
        out = (
            self.lo[take].astype(np.int64),
            self.hi[take].astype(np.int64),
            self.mass[take].copy(),
        )
        self.mass[take] = -1.0
        self.prio[take] = -1.0
        if self.n_free + k > len(self.free):
            self.free = np.concatenate([self.free, np.empty(k, dtype=np.int64)])
        self.free[self.n_free : self.n_free + k] = take
        self.n_free += k
        return out

    def boxes(self) -> tuple[np.ndarray, np.ndarray]:
        used = self.mass >= 0
        return self.lo[used].astype(np.int64), self.hi[used].astype(np.int64)


def _mass(flat: Flat, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The share of the domain (the attribute left out) inside each box."""
    mass = np.ones(len(lo))
    for f in range(flat.n_features):
        if f != flat.attribute:
            c = flat.cumweight[f]
            mass *= c[hi[:, f]] - c[lo[:, f]]
    return mass


def _reach(flat: Flat, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``(N, n_nodes)``: which nodes each box reaches (the attribute's tests pass both ways).

    A box reaches a leaf when it meets every test on the path: for a box and a leaf that are
    both products of intervals this is the same as meeting the leaf's box."""
    n = len(lo)
    # nodes by rows (each level gathers whole rows), returned transposed
    box = np.concatenate([lo, -hi, np.full((n, 1), -np.inf)], axis=1).astype(np.float64).T
    reach = np.zeros((flat.n_nodes, n), dtype=bool)
    reach[flat.roots] = True
    for par, chi, col, cut in flat.levels:
        # low side: lo < cut; high side: -hi < -cut; the attribute: -inf < inf
        reach[chi] = reach[par] & (box[col] < cut[:, None])
    out: np.ndarray = reach.T
    return out


def _bounds(flat: Flat, reach: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per box and alpha, the least and largest margin; and per tree and alpha the widths.

    The leaves whose paths do not test the attribute are reachable with every alpha: their
    least and largest values per tree are taken once; only the leaves that test it are looked
    at per alpha."""
    n = len(reach)
    n_alpha = len(flat.allow)
    n_trees = len(flat.roots)
    shape = (n, n_trees, flat.width)
    common = reach & ~flat.restricts
    cmin = np.where(common, flat.leaf_value, np.inf).reshape(shape).min(axis=2)
    cmax = np.where(common, flat.leaf_value, -np.inf).reshape(shape).max(axis=2)
    tests = np.flatnonzero(flat.restricts)  # slots in tree order
    trees, starts, counts = np.unique(tests // flat.width, return_index=True, return_counts=True)
    # the testing slots of each tree in a row, padded with a slot no box reaches
    pad = np.full((len(trees), int(counts.max(initial=0))), len(tests), dtype=np.int64)
    pad[
        np.repeat(np.arange(len(trees)), counts), np.arange(len(tests)) - np.repeat(starts, counts)
    ] = np.arange(len(tests))
    lows = np.empty((n, n_alpha))
    highs = np.empty((n, n_alpha))
    widths = np.zeros((n, n_trees))
    r_reach = np.concatenate([reach[:, tests], np.zeros((n, 1), dtype=bool)], axis=1)
    r_value = np.concatenate([flat.leaf_value[tests], [0.0]])
    r_allow = np.concatenate([flat.allow[:, tests], np.zeros((n_alpha, 1), dtype=bool)], axis=1)
    for alpha in range(n_alpha):
        tmin, tmax = cmin, cmax
        if len(tests):
            r = (r_reach & r_allow[alpha])[:, pad]
            v = r_value[pad]
            vmin = np.where(r, v, np.inf).min(axis=2)
            vmax = np.where(r, v, -np.inf).max(axis=2)
            tmin, tmax = cmin.copy(), cmax.copy()
            tmin[:, trees] = np.minimum(tmin[:, trees], vmin)
            tmax[:, trees] = np.maximum(tmax[:, trees], vmax)
        lows[:, alpha] = flat.base + tmin.sum(axis=1)
        highs[:, alpha] = flat.base + tmax.sum(axis=1)
        np.maximum(widths, tmax - tmin, out=widths)
    return lows, highs, widths


def _enumerate(
    flat: Flat, lo: np.ndarray, hi: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray, int, np.ndarray]:
    """Every cell of the boxes: the discriminatory mass, the discriminatory cells, and per
    alpha the discriminatory mass in which it gets class 1."""
    n_feat = flat.n_features
    size = np.where(np.arange(n_feat) == flat.attribute, 1, hi - lo)
    counts = np.prod(size, axis=1)
    owner = np.repeat(np.arange(len(lo)), counts)
    rank = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)
    c_lo = np.empty((len(owner), n_feat), dtype=np.int64)
    for f in range(n_feat):
        s = size[owner, f]
        c_lo[:, f] = lo[owner, f] + rank % s
        rank = rank // s
    c_lo[:, flat.attribute] = 0
    c_hi = c_lo + 1
    c_hi[:, flat.attribute] = flat.n_atoms[flat.attribute]
    mass = _mass(flat, c_lo, c_hi)
    cls = np.zeros((len(owner), len(flat.allow)), dtype=bool)
    for start in range(0, len(owner), _BATCH * 4):
        sl = slice(start, start + _BATCH * 4)
        cls[sl] = _cells_classes(flat, c_lo[sl])
    disc = cls.any(axis=1) & ~cls.all(axis=1)
    ones = mass[disc] @ cls[disc]
    return float(mass[disc].sum()), c_lo[disc], c_hi[disc], mass[disc], int(disc.sum()), ones


def _cells_disc(flat: Flat, lo: np.ndarray) -> np.ndarray:
    """Whether each cell (atom indices ``lo``) is discriminatory (``_cells_classes``)."""
    classes = _cells_classes(flat, lo)
    out: np.ndarray = np.asarray(classes.any(axis=1) & ~classes.all(axis=1))
    return out


def _cells_classes(flat: Flat, lo: np.ndarray) -> np.ndarray:
    """``(n, n_alpha)``: whether each cell (atom indices ``lo``) gets class 1 with each atom
    of the attribute: each tree is followed down, the class taken from the margin, or from the
    model's own arithmetic when the margin is too close to zero to trust the order of sums."""
    margin, nodes = _cell_margins(flat, lo)
    classes = margin > 0
    for i, alpha in zip(*np.nonzero(np.abs(margin) <= flat.model.tie), strict=True):
        leaves = nodes[alpha][i]
        tree = np.searchsorted(flat.roots, leaves, side="right") - 1
        local = flat.origin[leaves]
        values = np.stack([flat.model.trees[t].value[n] for t, n in zip(tree, local, strict=True)])
        classes[i, alpha] = bool(flat.model.decide(values[None])[0] == 1)
    out: np.ndarray = np.asarray(classes)
    return out


def _cell_margins(flat: Flat, cells: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """``(n, n_alpha)`` margins of single cells, and per alpha the leaf reached in each tree."""
    col, cut, low, high, value = flat.go
    n = len(cells)
    x = cells.astype(np.int64, copy=True)
    margins = np.empty((n, len(flat.allow)))
    leaves = []
    for alpha in range(len(flat.allow)):
        x[:, flat.attribute] = alpha
        node = np.broadcast_to(flat.roots, (n, len(flat.roots))).copy()
        for _ in range(flat.depth):
            v = np.take_along_axis(x, col[node], axis=1)
            node = np.where(v < cut[node], low[node], high[node])
        margins[:, alpha] = flat.base + value[node].sum(axis=1)
        leaves.append(node)
    return margins, leaves


def _top(
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_feat: int, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not found:
        empty = np.zeros((0, n_feat), dtype=np.int64)
        return empty, empty, np.zeros(0)
    lo = np.concatenate([f[0] for f in found])
    hi = np.concatenate([f[1] for f in found])
    mass = np.concatenate([f[2] for f in found])
    order = np.argsort(-mass, kind="stable")[:k]
    return lo[order], hi[order], mass[order]


def sample_pending(
    refined: Refined,
    flat: Flat,
    rng: np.random.Generator,
    *,
    target: float,
    deadline: float,
    confidence: float = 0.95,
    batch: int = 40_000,
    max_samples: int = 2_000_000,
) -> dict[str, float]:
    """A statistical interval for the share: uniform inputs of the undecided boxes (each box
    drawn in proportion to its mass, then a uniform input inside it), classed by the trees
    with every value of the attribute.  Sampling stops when the interval's half-width on the
    share is at most ``target``, at the deadline, or after ``max_samples`` inputs."""
    from assay.fairness.estimate import clopper_pearson

    attribute = flat.attribute
    mass = refined.pend_mass
    undecided = float(mass.sum())
    low_bound = refined.disc_mass
    n = k = 0
    batch = max(1000, batch // len(flat.allow))  # cells per alpha: batch in all
    cdf = np.cumsum(mass) / undecided if undecided > 0 else np.ones(len(mass))
    while undecided > 0 and n < max_samples:
        box = np.minimum(np.searchsorted(cdf, rng.random(batch), side="right"), len(mass) - 1)
        cells = np.zeros((batch, flat.n_features), dtype=np.int64)
        for j in range(flat.n_features):
            if j != attribute:
                cells[:, j] = _atoms_drawn(
                    flat.cumweight[j], refined.pend_lo[box, j], refined.pend_hi[box, j], rng
                )
        k += int(_cells_disc(flat, cells).sum())
        n += batch
        lo, hi = clopper_pearson(k, n, confidence)
        if undecided * (hi - lo) / 2 <= target or time.monotonic() > deadline:
            break
    lo, hi = clopper_pearson(k, n, confidence) if n else (0.0, 1.0)
    return {
        "share": low_bound + undecided * (k / n if n else 0.5),
        "low": low_bound + undecided * lo,
        "high": low_bound + undecided * hi,
        "confidence": confidence,
        "samples": n,
        "undecided": undecided,
    }


def _atoms_drawn(
    cum: np.ndarray, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Per row, an atom of ``lo .. hi - 1`` drawn in proportion to its weight (``cum``: the
    cumulative weights, from 0), that is, the atom of a uniform value of the feature."""
    target = cum[lo] + rng.random(len(lo)) * (cum[hi] - cum[lo])
    atom = np.searchsorted(cum, target, side="right") - 1
    out: np.ndarray = np.clip(atom, lo, hi - 1)
    return out


def atoms_of_rows(atoms: tuple[Atoms, ...], data: np.ndarray) -> np.ndarray:
    """``(n, F)`` atom index of each row's value per feature."""
    return np.stack([atoms[j].atom_of(data[:, j]) for j in range(len(atoms))], axis=1)
