"""The exact discriminatory mass of one box, by splitting its trees into independent groups.

Inside a box ``[lo, hi)`` most trees of an ensemble reach one leaf per value ``alpha`` of the
attribute: their sum is a constant ``K[alpha]``.  The other trees (the *straddling* ones) split
the box; a straddling tree depends only on the features of the splits it straddles.  Features
linked by a straddling tree form a *group*: the margin is ``K + sum over groups G_g(x_g)`` where
each ``G_g`` depends on its group's features only, and each group's features take finitely
many *segments* (the box cut at every straddled cut).  Under the uniform (product) measure the
groups are independent, so the share of inputs whose class changes with the attribute is a
sum over combinations of one segment-tuple (*piece*) per group.

The groups are shared out between two sides ``A`` and ``B`` with products of about equal size;
each side lists its pieces (the vector of margins per alpha, and the weight); every pair of an
``A`` piece and a ``B`` piece is one part of the box.  For a binary attribute the pairs where
one alpha surely gives class 1 and the other surely class 0 are counted by a sweep over ``B``
sorted on one coordinate with a Fenwick tree on the other (``O((|A| + |B|) log |B|)``, not
``|A| |B|``); for more values every pair is looked at, when there are few enough.  A margin
within ``eps`` of zero in any pair (the order of float sums might matter) gives up: the box is
then cut as usual, and its cells are decided with the model's own arithmetic in the end.

Certain: every part of the box is counted exactly once, and a part counts only when its class
for two values of the attribute surely differs (margins beyond ``eps``, which is far above the
rounding of these sums).

numba caches ``kernel.best_first`` with these functions compiled into it, and checks only
``kernel.py`` for changes: after editing this file, touch ``kernel.py`` (or clear numba's cache)
or the old code keeps running.
"""

from __future__ import annotations

import numpy as np

from assay.fairness.exact.jit import jit

__all__ = ["settle", "workspace", "worth"]

_SEG = 64  # straddled cuts kept per feature (more: not settled here)


def workspace(n_feat: int, n_trees: int, n_alpha: int, max_pieces: int) -> tuple[np.ndarray, ...]:
    """The arrays ``settle`` works in (allocated once per call of the kernel)."""
    cap = max(max_pieces, 1)
    return (
        np.empty((n_feat, _SEG), dtype=np.int64),  # 0 seg: straddled cuts per feature
        np.empty(n_feat, dtype=np.int64),  # 1 n_seg
        np.empty(n_feat, dtype=np.int64),  # 2 root (union-find over features)
        np.empty(n_trees, dtype=np.int64),  # 3 group of each tree (-1: constant)
        np.empty(n_feat, dtype=np.int64),  # 4 x: a point of the box
        np.empty((2 * cap, n_alpha)),  # 5 pieces of the groups, then of side A and B
        np.empty(2 * cap),  # 6 their weights
        np.empty((cap, n_alpha)),  # 7 side A
        np.empty(cap),  # 8
        np.empty((cap, n_alpha)),  # 9 side B
        np.empty(cap),  # 10
        np.empty(cap + 1),  # 11 Fenwick tree
        np.empty(n_alpha),  # 12 K
        np.empty(n_feat + 1, dtype=np.int64),  # 13 first piece of each group
        np.empty(n_feat, dtype=np.int64),  # 14 size of each group
        np.empty(n_trees, dtype=np.int64),  # 15 straddling trees grouped
        np.zeros(6, dtype=np.int64),  # 16 tries: all, past the cheap test, past the cuts,
        # done; lately: tries and done (halved every 2^16 tries)
        np.zeros(n_alpha),  # 17 the last box settled: per alpha, its mass getting class 1
        np.zeros((2, n_feat), dtype=np.int64),  # 18 its heaviest discriminatory part (lo, hi)
        np.zeros(1),  # 19 that part's mass (0: none asked, or none)
    )


@jit  # type: ignore[misc]
def _bits(m: int) -> int:
    n = 0
    while m:
        m &= m - 1
        n += 1
    return n


@jit  # type: ignore[misc]
def _low(m: int) -> int:
    """The lowest set bit's index."""
    f = 0
    while not (m >> f) & 1:
        f += 1
    return f


@jit  # type: ignore[misc]
def _cuts(
    t: int,
    lo: np.ndarray,
    hi: np.ndarray,
    attr: int,
    mask: int,
    model: tuple[np.ndarray, ...],
    queue: np.ndarray,
    seg: np.ndarray,
    n_seg: np.ndarray,
    root: np.ndarray,
    size: np.ndarray,
    limit: int,
) -> bool:
    """Tree ``t``'s straddled cuts inside the box (on the features of ``mask``) into ``seg``
    (each once), the pieces of each group (``size``, at its root) kept up to date; False
    when a feature has more than ``_SEG`` cuts, or a group more than ``limit`` pieces."""
    node_feat, node_cut, node_low, node_high = model[0], model[1], model[2], model[3]
    head = 0
    tail = 1
    queue[0] = model[5][t]
    while head < tail:
        n = queue[head]
        head += 1
        f = node_feat[n]
        if f < 0:
            continue
        if f == attr:
            queue[tail] = node_low[n]
            queue[tail + 1] = node_high[n]
            tail += 2
            continue
        c = node_cut[n]
        go_low = lo[f] < c
        go_high = hi[f] > c
        if go_low:
            queue[tail] = node_low[n]
            tail += 1
        if go_high:
            queue[tail] = node_high[n]
            tail += 1
        if go_low and go_high and (mask >> f) & 1:
            k = n_seg[f]
            new = True
            for i in range(k):
                if seg[f, i] == c:
                    new = False
                    break
            if new:
                if k == seg.shape[1]:
                    return False
                seg[f, k] = c
                n_seg[f] = k + 1
                if k:
                    r = root[f]
                    size[r] = size[r] // (k + 1) * (k + 2)
                    if size[r] > limit:
                        return False
    return True


@jit  # type: ignore[misc]
def _leaf(t: int, x: np.ndarray, a: int, attr: int, model: tuple[np.ndarray, ...]) -> float:
    node_feat, node_cut, node_low, node_high, node_value = (
        model[0],
        model[1],
        model[2],
        model[3],
        model[4],
    )
    n = model[5][t]
    while node_feat[n] >= 0:
        f = node_feat[n]
        v = a if f == attr else x[f]
        n = node_low[n] if v < node_cut[n] else node_high[n]
    return float(node_value[n])


@jit  # type: ignore[misc]
def _side(
    groups: np.ndarray,
    n_groups: int,
    vals: np.ndarray,
    wts: np.ndarray,
    first: np.ndarray,
    size: np.ndarray,
    out_v: np.ndarray,
    out_w: np.ndarray,
) -> int:
    """Every combination of one piece per group of ``groups``: sums and product weights."""
    n = 1
    for i in range(n_groups):
        n *= size[groups[i]]
    for p in range(n):
        rest = p
        out_v[p, :] = 0.0
        w = 1.0
        for i in range(n_groups):
            g = groups[i]
            d = rest % size[g]
            rest //= size[g]
            out_v[p, :] += vals[first[g] + d, :]
            w *= wts[first[g] + d]
        out_w[p] = w
    return n


@jit  # type: ignore[misc]
def _fenwick_add(tree: np.ndarray, i: int, w: float) -> None:
    i += 1
    while i < len(tree):
        tree[i] += w
        i += i & (-i)


@jit  # type: ignore[misc]
def _fenwick_sum(tree: np.ndarray, k: int) -> float:
    """The sum of the first ``k`` slots."""
    s = 0.0
    while k > 0:
        s += tree[k]
        k -= k & (-k)
    return s


@jit  # type: ignore[misc]
def _quadrant(
    ax: np.ndarray,
    ay: np.ndarray,
    aw: np.ndarray,
    bx: np.ndarray,
    by: np.ndarray,
    bw: np.ndarray,
    fen: np.ndarray,
) -> float:
    """``sum_i aw[i] * sum_j bw[j] [bx[j] > ax[i]] [by[j] < ay[i]]`` (a sweep on ``x``)."""
    nb = len(bx)
    ob = np.argsort(-bx, kind="mergesort")
    oy = np.argsort(by, kind="mergesort")
    ys = by[oy]
    rank = np.empty(nb, dtype=np.int64)
    for r in range(nb):
        rank[oy[r]] = r
    fen[: nb + 1] = 0.0
    oq = np.argsort(-ax, kind="mergesort")
    p = 0
    total = 0.0
    for q in range(len(ax)):
        i = oq[q]
        while p < nb and bx[ob[p]] > ax[i]:
            _fenwick_add(fen[: nb + 1], rank[ob[p]], bw[ob[p]])
            p += 1
        if p:
            total += aw[i] * _fenwick_sum(fen[: nb + 1], np.searchsorted(ys, ay[i]))
    return total


@jit  # type: ignore[misc]
def _close(b: np.ndarray, low: np.ndarray, high: np.ndarray) -> bool:
    """Whether some ``b[j]`` lies in ``[low[i], high[i]]`` for some ``i``."""
    s = np.sort(b)
    for i in range(len(low)):
        if np.searchsorted(s, high[i], side="right") > np.searchsorted(s, low[i]):
            return True
    return False


@jit  # type: ignore[misc]
def worth(work: tuple[np.ndarray, ...], n: int) -> bool:
    """Whether to try ``settle`` on the ``n``-th undecided box: always, unless fewer than 1 in
    20 of the latest tries settled their box (many trees on many features: the pieces are
    too many), then on every 16th box only, to notice when the boxes get small enough."""
    tries = work[16]
    return tries[4] < 4096 or tries[5] * 20 >= tries[4] or n % 16 == 0


@jit  # type: ignore[misc]
def settle(
    lo: np.ndarray,
    hi: np.ndarray,
    attr: int,
    n_alpha: int,
    base: float,
    eps: float,
    model: tuple[np.ndarray, ...],
    tmn: np.ndarray,
    fmask: np.ndarray,
    queue: np.ndarray,
    cw: np.ndarray,
    work: tuple[np.ndarray, ...],
    max_pieces: int,
    max_pairs: int,
    want: bool = False,
) -> tuple[bool, float]:
    """``(True, discriminatory mass)`` of the box ``[lo, hi)`` (its trees' walks: ``tmn``, the
    least leaf per tree and alpha, and ``fmask``, the features of the splits each straddles),
    with, per alpha, the part of that mass in which alpha gets class 1 in ``work[17]``;
    or ``(False, 0.0)`` when it would take more than ``max_pieces`` pieces a side (or, for a
    many-valued attribute, ``max_pairs`` pairs), or a margin is too close to zero.

    ``want``: the heaviest part of the box (one piece of each side: every tree constant in
    it) that is wholly discriminatory too, in ``work[18]`` with its mass in ``work[19]`` (0
    when there is none): a box to show, where settling leaves no box of its own."""
    (
        seg,
        n_seg,
        root,
        tgrp,
        x,
        vals,
        wts,
        a_v,
        a_w,
        b_v,
        b_w,
        fen,
        k_a,
        first,
        size,
        tl,
        tries,
        ones,
        part,
        part_mass,
    ) = work
    part_mass[0] = 0.0
    tries[0] += 1
    tries[4] += 1
    if tries[4] >= 1 << 16:
        tries[4] //= 2
        tries[5] //= 2
    uses_attr = model[6]
    n_feat = len(lo)
    n_trees = len(fmask)
    if n_feat > 62:
        return False, 0.0
    for f in range(n_feat):
        root[f] = f
        n_seg[f] = 0
        size[f] = 0
        x[f] = lo[f]
    for a in range(n_alpha):
        k_a[a] = base
    # each straddling tree merges the groups (bit sets of features, in ``first``) it meets;
    # a group of k features has at least 2^k pieces; then the constant trees into K
    n_gm = 0
    every = 0
    for t in range(n_trees):
        m = fmask[t]
        if m == 0:
            continue
        every |= m
        merged = m
        j = 0
        while j < n_gm:
            if first[j] & merged:
                merged |= first[j]
                n_gm -= 1
                first[j] = first[n_gm]
            else:
                j += 1
        first[n_gm] = merged
        n_gm += 1
        if (1 << _bits(merged)) > max_pieces:
            return False, 0.0
    if (1 << _bits(every)) > max_pieces * max_pieces:
        return False, 0.0
    tries[1] += 1
    for t in range(n_trees):
        if fmask[t] == 0:
            for a in range(n_alpha):
                k_a[a] += tmn[t, a] if uses_attr[t] else tmn[t, 0]
    for j in range(n_gm):
        g = first[j]
        r = _low(g)
        size[r] = 1 << _bits(g)  # pieces so far: two segments per feature
        for f in range(n_feat):
            if (g >> f) & 1:
                root[f] = r
    for t in range(n_trees):
        m = fmask[t]
        if m != 0 and not _cuts(
            t, lo, hi, attr, m, model, queue, seg, n_seg, root, size, max_pieces
        ):
            return False, 0.0
    tries[2] += 1
    # groups: pieces per group (product of segments), their first slot in ``vals``
    n_groups = n_gm
    total = 0
    for f in range(n_feat):
        first[f] = total
        total += size[f]
        if total > len(wts):
            return False, 0.0
    for t in range(n_trees):
        tgrp[t] = -1
        m = fmask[t]
        if m != 0:
            tgrp[t] = root[_low(m)]
    for f in range(n_feat):  # the straddled cuts in order
        seg[f, : n_seg[f]] = np.sort(seg[f, : n_seg[f]])
    # each group's pieces: the margins of its trees per alpha at one point of the piece
    for g in range(n_feat):
        if size[g] == 0:
            continue
        n_tl = 0
        for t in range(n_trees):
            if tgrp[t] == g:
                tl[n_tl] = t
                n_tl += 1
        for p in range(size[g]):
            rest = p
            w = 1.0
            for f in range(n_feat):
                if n_seg[f] > 0 and root[f] == g:
                    d = rest % (n_seg[f] + 1)
                    rest //= n_seg[f] + 1
                    start = lo[f] if d == 0 else seg[f, d - 1]
                    end = hi[f] if d == n_seg[f] else seg[f, d]
                    x[f] = start
                    w *= cw[f, end] - cw[f, start]
            slot = first[g] + p
            wts[slot] = w
            vals[slot, :] = 0.0
            for i in range(n_tl):
                t = tl[i]
                if uses_attr[t]:
                    for a in range(n_alpha):
                        vals[slot, a] += _leaf(t, x, a, attr, model)
                else:
                    v = _leaf(t, x, 0, attr, model)
                    for a in range(n_alpha):
                        vals[slot, a] += v
        for f in range(n_feat):
            x[f] = lo[f]
    # the groups shared out between A and B, the largest first to the smaller side
    order = np.argsort(-size, kind="mergesort")
    a_g = np.empty(n_groups, dtype=np.int64)
    b_g = np.empty(n_groups, dtype=np.int64)
    n_ag = 0
    n_bg = 0
    na = 1
    nb = 1
    for i in range(n_groups):
        g = order[i]
        if na <= nb:
            a_g[n_ag] = g
            n_ag += 1
            na *= size[g]
        else:
            b_g[n_bg] = g
            n_bg += 1
            nb *= size[g]
    if na > len(a_w) or nb > len(b_w):
        return False, 0.0
    if n_alpha > 2 and na * nb > max_pairs:
        return False, 0.0
    na = _side(a_g, n_ag, vals, wts, first, size, a_v, a_w)
    nb = _side(b_g, n_bg, vals, wts, first, size, b_v, b_w)
    # the mass of the features no tree splits inside the box
    outside = 1.0
    for f in range(n_feat):
        if f != attr and n_seg[f] == 0:
            outside *= cw[f, hi[f]] - cw[f, lo[f]]
    disc = 0.0
    if n_alpha == 2 and na * nb > 64:
        # margin_a = K_a + A_a + B_a; sure 1: B_a > (eps - K_a) - A_a; sure 0: B_a <
        # (-eps - K_a) - A_a; in between for any pair: give up
        up0 = (eps - k_a[0]) - a_v[:na, 0]
        dn0 = (-eps - k_a[0]) - a_v[:na, 0]
        up1 = (eps - k_a[1]) - a_v[:na, 1]
        dn1 = (-eps - k_a[1]) - a_v[:na, 1]
        if _close(b_v[:nb, 0], dn0, up0) or _close(b_v[:nb, 1], dn1, up1):
            return False, 0.0
        bx = b_v[:nb, 0].copy()
        by = b_v[:nb, 1].copy()
        aw = a_w[:na]
        bw = b_w[:nb]
        # alpha 0 gives 1 and alpha 1 gives 0, then the other way round (negated): each
        # is the discriminatory mass in which that alpha gets class 1
        ones[0] = _quadrant(up0, dn1, aw, bx, by, bw, fen)
        ones[1] = _quadrant(-dn0, -up1, aw, -bx, -by, bw, fen)
        disc = ones[0] + ones[1]
    else:
        ones[:] = 0.0
        for i in range(na):
            for j in range(nb):
                split = _split(i, j, n_alpha, eps, k_a, a_v, b_v)
                if split < 0:
                    return False, 0.0
                if split:
                    w = a_w[i] * b_w[j]
                    disc += w
                    for a in range(n_alpha):
                        if a_v[i, a] + b_v[j, a] > eps - k_a[a]:
                            ones[a] += w
    for a in range(n_alpha):
        ones[a] *= outside
    if want and disc > 0.0:
        w, i_a, i_b = _heaviest(n_alpha, eps, k_a, a_v, a_w, na, b_v, b_w, nb)
        if w > 0.0:
            part[0, :] = lo
            part[1, :] = hi
            _bounds(i_a, a_g, n_ag, lo, hi, first, size, seg, n_seg, root, part)
            _bounds(i_b, b_g, n_bg, lo, hi, first, size, seg, n_seg, root, part)
            part_mass[0] = w * outside
    tries[3] += 1
    tries[5] += 1
    return True, outside * disc


@jit  # type: ignore[misc]
def _split(
    i: int, j: int, n_alpha: int, eps: float, k_a: np.ndarray, a_v: np.ndarray, b_v: np.ndarray
) -> int:
    """Whether two alphas surely get different classes in the pair of ``A`` piece ``i`` and
    ``B`` piece ``j``: 1 yes, 0 no, -1 a margin within ``eps`` of zero (undecided)."""
    any1 = False
    any0 = False
    for a in range(n_alpha):
        s = a_v[i, a] + b_v[j, a]
        if s > eps - k_a[a]:
            any1 = True
        elif s < -eps - k_a[a]:
            any0 = True
        else:
            return -1
    return 1 if any1 and any0 else 0


@jit  # type: ignore[misc]
def _heaviest(
    n_alpha: int,
    eps: float,
    k_a: np.ndarray,
    a_v: np.ndarray,
    a_w: np.ndarray,
    na: int,
    b_v: np.ndarray,
    b_w: np.ndarray,
    nb: int,
) -> tuple[float, int, int]:
    """The heaviest pair of an ``A`` and a ``B`` piece in which two alphas surely get
    different classes: its weight and the two pieces (weight 0.0: no such pair).  Every
    pair's margins are beyond ``eps`` here (else the box was not settled)."""
    best = 0.0
    at_a = 0
    at_b = 0
    for i in range(na):
        for j in range(nb):
            w = a_w[i] * b_w[j]
            if w > best and _split(i, j, n_alpha, eps, k_a, a_v, b_v) > 0:
                best = w
                at_a = i
                at_b = j
    return best, at_a, at_b


@jit  # type: ignore[misc]
def _bounds(
    p: int,
    groups: np.ndarray,
    n_groups: int,
    lo: np.ndarray,
    hi: np.ndarray,
    first: np.ndarray,
    size: np.ndarray,
    seg: np.ndarray,
    n_seg: np.ndarray,
    root: np.ndarray,
    box: np.ndarray,
) -> None:
    """The segments of the side's piece ``p`` (one piece per group, as ``_side`` combines
    them; each group's piece as ``settle`` lists them) into ``box``'s rows."""
    rest = p
    for i in range(n_groups):
        g = groups[i]
        d = rest % size[g]
        rest //= size[g]
        for f in range(len(lo)):
            if n_seg[f] > 0 and root[f] == g:
                k = d % (n_seg[f] + 1)
                d //= n_seg[f] + 1
                box[0, f] = lo[f] if k == 0 else seg[f, k - 1]
                box[1, f] = hi[f] if k == n_seg[f] else seg[f, k]
