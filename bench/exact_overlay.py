"""Counting a box's discriminatory mass by walking the joint cells of its trees (a bench tool).

Measured by ``fairness_exact_ideas.py`` and NOT used by assay: per CPU second it settles
less undecided mass than the refinement's cuts (bench/RESULTS.md, seventh session).

Inside a box ``[lo, hi)`` each tree splits the box's inputs into *cells*: boxes on which the
tree reaches one leaf per value ``alpha`` of the attribute (a tree that tests the attribute
pairs a leaf reached with one alpha with every leaf the same inputs reach with another).  A
tree whose cells all give the same values is a constant; the others (the *straddling* trees)
are taken widest first, and the box is split depth first: at depth ``k`` the current box (one
cell of each of the first ``k`` straddling trees, intersected) holds the sum ``s[alpha]`` of
their values, and the trees left add at least ``rmin[k, alpha]`` and at most
``rmax[k, alpha]`` (their least and largest cell meeting the box of the walk's last depth
below ``tight``).  A box is settled as soon as these bounds decide it: clean when every alpha
surely gives the same class, discriminatory when two surely differ; else it is split on the
cells of tree ``k`` that meet it.  When every straddling tree is fixed the margin is one number
per alpha, so the walk ends; it gives up past ``max_nodes`` units of work (cells written and
looked at), or when a margin is within ``eps`` of zero (the order of float sums might matter).

Certain: the cells of each tree partition the box, so the boxes at each depth partition it,
and a box counts as discriminatory only when its bounds say two alphas surely differ.  Checked
against uniform samples of the same boxes by ``fairness_exact_ideas.py``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["count", "workspace"]

_TIGHT = 16  # depths whose boxes get their own bounds on the trees left (at most)


def workspace(n_feat: int, n_trees: int, n_alpha: int, max_cells: int) -> tuple[np.ndarray, ...]:
    """The arrays ``count`` works in (allocated once per call of the kernel)."""
    cap = max(max_cells, 1)
    return (
        np.empty((cap, 2, n_feat), dtype=np.int64),  # 0 cells' boxes, tree after tree
        np.empty((cap, n_alpha)),  # 1 their values per alpha
        np.empty((2, n_trees), dtype=np.int64),  # 2 first cell and the row after the last, per tree
        np.empty(n_trees, dtype=np.int64),  # 3 straddling trees, widest first
        np.empty(n_trees),  # 4 their widths
        np.empty((_TIGHT, n_trees + 1, n_alpha)),  # 5 rmin[d, k]: least sum of the straddling
        # trees k.. over the walk's box at depth d (the first _TIGHT depths; deeper: the last)
        np.empty((_TIGHT, n_trees + 1, n_alpha)),  # 6 rmax
        np.empty((n_trees + 1, 2, n_feat), dtype=np.int64),  # 7 the walk's boxes per depth
        np.empty((n_trees + 1, n_alpha)),  # 8 the walk's sums per depth
        np.empty(n_trees + 1, dtype=np.int64),  # 9 the walk's next cell per depth
        np.empty((256, n_alpha), dtype=np.int64),  # 10 a tree's walk: nodes per alpha
        np.empty((256, 2, n_feat), dtype=np.int64),  # 11 a tree's walk: cells
        np.empty(n_alpha),  # 12 the constant trees' sum
        np.zeros(5, dtype=np.int64),  # 13 tries, settled, work (sum), given up on size, last k_n
    )


@njit(cache=True)  # type: ignore[misc]
def _cells(
    t: int,
    lo: np.ndarray,
    hi: np.ndarray,
    attr: int,
    n_alpha: int,
    model: tuple[np.ndarray, ...],
    c_box: np.ndarray,
    c_val: np.ndarray,
    start: int,
    s_node: np.ndarray,
    s_box: np.ndarray,
    cap: int,
) -> int:
    """Tree ``t``'s cells inside the box, written from row ``start`` on; returns the row after
    the last, or -1 when they do not fit."""
    node_feat, node_cut, node_low, node_high, node_value, roots, _ = model
    cap = min(cap, len(c_val))
    n = start
    sp = 1
    for a in range(n_alpha):
        s_node[0, a] = roots[t]
    s_box[0, 0] = lo
    s_box[0, 1] = hi
    while sp > 0:
        sp -= 1
        # each alpha down to a leaf or to a split on another feature
        split = -1
        for a in range(n_alpha):
            nd = s_node[sp, a]
            while node_feat[nd] == attr:
                nd = node_low[nd] if a < node_cut[nd] else node_high[nd]
            s_node[sp, a] = nd
            if split < 0 and node_feat[nd] >= 0:
                split = a
        if split < 0:
            if n >= cap:
                return -1
            c_box[n] = s_box[sp]
            for a in range(n_alpha):
                c_val[n, a] = node_value[s_node[sp, a]]
            n += 1
            continue
        nd = s_node[sp, split]
        f = node_feat[nd]
        c = node_cut[nd]
        b_lo = s_box[sp, 0, f]
        b_hi = s_box[sp, 1, f]
        if b_hi <= c:
            s_node[sp, split] = node_low[nd]
            sp += 1
        elif b_lo >= c:
            s_node[sp, split] = node_high[nd]
            sp += 1
        else:
            if sp + 2 > len(s_node):
                return -1
            s_node[sp + 1] = s_node[sp]
            s_box[sp + 1] = s_box[sp]
            s_node[sp, split] = node_low[nd]
            s_box[sp, 1, f] = c
            s_node[sp + 1, split] = node_high[nd]
            s_box[sp + 1, 0, f] = c
            sp += 2
    return n


@njit(cache=True)  # type: ignore[misc]
def _mass(lo: np.ndarray, hi: np.ndarray, cw: np.ndarray, attr: int) -> float:
    m = 1.0
    for f in range(len(lo)):
        if f != attr:
            m *= cw[f, hi[f]] - cw[f, lo[f]]
    return m


@njit(cache=True)  # type: ignore[misc]
def _verdict(s: np.ndarray, rmin: np.ndarray, rmax: np.ndarray, eps: float) -> int:
    """0 clean, 1 discriminatory, 2 undecided: the sums ``s`` plus the trees left's bounds."""
    any1 = False
    all1 = True
    any0 = False
    all0 = True
    for a in range(len(s)):
        s1 = s[a] + rmin[a] > eps
        s0 = s[a] + rmax[a] < -eps
        any1 = any1 or s1
        all1 = all1 and s1
        any0 = any0 or s0
        all0 = all0 and s0
    if any1 and any0:
        return 1
    if all1 or all0:
        return 0
    return 2


@njit(cache=True)  # type: ignore[misc]
def count(
    lo: np.ndarray,
    hi: np.ndarray,
    attr: int,
    n_alpha: int,
    base: float,
    eps: float,
    model: tuple[np.ndarray, ...],
    cw: np.ndarray,
    work: tuple[np.ndarray, ...],
    max_nodes: int,
    tight: int,
) -> tuple[bool, float, int]:
    """``(settled, discriminatory mass, work)`` of the box ``[lo, hi)``; the boxes of the
    walk's first ``tight`` depths get their own bounds on the trees left.  ``work`` counts the
    cells written and looked at; past ``max_nodes`` of it the walk gives up."""
    c_box, c_val, c_range, order, width, rmin, rmax, w_box, w_s, w_j, s_node, s_box, const = work[
        :13
    ]
    tries = work[13]
    n_feat = len(lo)
    n_trees = len(model[5])
    tries[0] += 1
    for a in range(n_alpha):
        const[a] = base
    n = 0
    k_n = 0
    for t in range(n_trees):
        c_range[0, t] = n
        end = _cells(
            t, lo, hi, attr, n_alpha, model, c_box, c_val, n, s_node, s_box, max_nodes // 8
        )
        if end < 0:
            tries[3] += 1
            return False, 0.0, 0
        w = 0.0
        for a in range(n_alpha):
            mn = np.inf
            mx = -np.inf
            for j in range(n, end):
                v = c_val[j, a]
                mn = min(mn, v)
                mx = max(mx, v)
            w = max(w, mx - mn)
        c_range[1, t] = end
        if w > 0.0:
            order[k_n] = t
            width[k_n] = w
            k_n += 1
            n = end
        else:
            for a in range(n_alpha):
                const[a] += c_val[n, a]
    tries[4] = k_n
    # the straddling trees widest first (insertion sort: few)
    for i in range(1, k_n):
        t = order[i]
        w = width[i]
        j = i - 1
        while j >= 0 and width[j] < w:
            order[j + 1] = order[j]
            width[j + 1] = width[j]
            j -= 1
        order[j + 1] = t
        width[j + 1] = w
    tight = min(tight, _TIGHT)
    nodes = n
    if nodes > max_nodes:
        tries[3] += 1
        return False, 0.0, nodes
    nodes += _bounds(0, k_n, w_box0(lo, hi, w_box), attr, order, c_range, c_box, c_val, rmin, rmax)
    # the walk, depth first
    disc = 0.0
    for a in range(n_alpha):
        w_s[0, a] = const[a]
    k = 0
    fresh = True
    while k >= 0:
        if fresh:
            if nodes > max_nodes:
                tries[2] += nodes
                return False, 0.0, nodes
            d = min(k, tight - 1)
            if 0 < k == d and k < k_n:
                nodes += _bounds(k, k_n, w_box[k], attr, order, c_range, c_box, c_val, rmin, rmax)
            v = _verdict(w_s[k], rmin[d, k], rmax[d, k], eps)
            if v == 2 and k == k_n:
                tries[2] += nodes
                return False, 0.0, nodes  # a margin within eps of zero: not here
            if v != 2:
                if v == 1:
                    disc += _mass(w_box[k, 0], w_box[k, 1], cw, attr)
                k -= 1
                fresh = False
                continue
            w_j[k] = c_range[0, order[k]]
        end = c_range[1, order[k]]
        j = w_j[k]
        went = False
        while j < end:
            nodes += 1
            meets = True
            for f in range(n_feat):
                if f != attr and (
                    max(w_box[k, 0, f], c_box[j, 0, f]) >= min(w_box[k, 1, f], c_box[j, 1, f])
                ):
                    meets = False
                    break
            if meets:
                for f in range(n_feat):
                    w_box[k + 1, 0, f] = max(w_box[k, 0, f], c_box[j, 0, f])
                    w_box[k + 1, 1, f] = min(w_box[k, 1, f], c_box[j, 1, f])
                for a in range(n_alpha):
                    w_s[k + 1, a] = w_s[k, a] + c_val[j, a]
                w_j[k] = j + 1
                k += 1
                fresh = True
                went = True
                break
            j += 1
        if not went:
            k -= 1
            fresh = False
    tries[1] += 1
    tries[2] += nodes
    return True, disc, nodes


@njit(cache=True)  # type: ignore[misc]
def w_box0(lo: np.ndarray, hi: np.ndarray, w_box: np.ndarray) -> np.ndarray:
    """The walk's first box: the whole box."""
    w_box[0, 0] = lo
    w_box[0, 1] = hi
    out: np.ndarray = w_box[0]
    return out


@njit(cache=True)  # type: ignore[misc]
def _bounds(
    d: int,
    k_n: int,
    box: np.ndarray,
    attr: int,
    order: np.ndarray,
    c_range: np.ndarray,
    c_box: np.ndarray,
    c_val: np.ndarray,
    rmin: np.ndarray,
    rmax: np.ndarray,
) -> int:
    """``rmin[d, k]``, ``rmax[d, k]`` for ``k >= d``: the least and largest sum of the
    straddling trees ``k..`` over their cells that meet ``box``; returns the cells looked at."""
    n_alpha = rmin.shape[2]
    n_feat = box.shape[1]
    for a in range(n_alpha):
        rmin[d, k_n, a] = 0.0
        rmax[d, k_n, a] = 0.0
    for k in range(k_n - 1, d - 1, -1):
        t = order[k]
        for a in range(n_alpha):
            rmin[d, k, a] = np.inf
            rmax[d, k, a] = -np.inf
        for j in range(c_range[0, t], c_range[1, t]):
            meets = True
            for f in range(n_feat):
                if f != attr and max(box[0, f], c_box[j, 0, f]) >= min(box[1, f], c_box[j, 1, f]):
                    meets = False
                    break
            if meets:
                for a in range(n_alpha):
                    v = c_val[j, a]
                    rmin[d, k, a] = min(rmin[d, k, a], v)
                    rmax[d, k, a] = max(rmax[d, k, a], v)
        for a in range(n_alpha):
            rmin[d, k, a] += rmin[d, k + 1, a]
            rmax[d, k, a] += rmax[d, k + 1, a]
    return _span(d, k_n, order, c_range)


@njit(cache=True)  # type: ignore[misc]
def _span(d: int, k_n: int, order: np.ndarray, c_range: np.ndarray) -> int:
    n = 0
    for k in range(d, k_n):
        n += c_range[1, order[k]] - c_range[0, order[k]]
    return n
