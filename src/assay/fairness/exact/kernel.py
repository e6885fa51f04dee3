"""Depth-first settling of boxes for ``ensemble.refine``, compiled with numba when installed.

The vectorised refinement in ``ensemble`` pays numpy's overhead per batch and keeps every open
box in its pool.  Here each box taken from the pool is settled depth first, one box at a time:
per tree and value ``alpha`` of the attribute, the least and largest leaf the box reaches
(a breadth-first walk of the tree, so the first split the box straddles is the shallowest);
the box is discriminatory, clean or cut exactly as in ``ensemble`` (the same tests and the
same choice of cut), and its halves go on a stack.  A box whose subtree needs more than
``per_box`` steps hands its stack back to the pool, so the caller keeps taking the first
undecided boxes in the pool's order and checks its deadline between calls.

The pool's order is the mass, less for a box whose margin's bounds hold zero deep inside
(``_priority``): such a box sits on the decision surface and cutting it mostly makes more
undecided boxes, where a box whose bounds barely reach zero is often decided in a few cuts.
Any order is as certain (every box is in the pool once, decided by the same tests); this one
leaves less undecided mass at a deadline on a forest (measured in ``bench/RESULTS.md``,
exact49).

An undecided box whose straddling trees split it into few pieces per independent group of
features is not cut but *settled*: ``settle`` counts its discriminatory mass exactly.  Most
boxes near the decision boundary hold discriminatory and clean inputs at once, so no bound on
the margin can decide them, and cutting them down to single pieces costs many steps; counting
their pieces costs one.

The functions are plain Python over numpy arrays; with numba (the optional extra
``assay[exact]``) they are compiled, and give the same results step for step (a test runs both).
Without numba ``ensemble.refine`` keeps its vectorised loop: both are certain, and both give
the same answer when they finish.
"""

from __future__ import annotations

import os

import numpy as np

__all__ = ["COMPILED", "best_first", "ready"]

from assay.fairness.exact.jit import COMPILED
from assay.fairness.exact.jit import jit as _jit
from assay.fairness.exact.settle import settle, worth

# outcomes of one box
CLEAN, DISC, TIE, CUT, SETTLED = 0, 1, 2, 3, 4
# boxes settled per call whose heaviest wholly discriminatory part is kept among the boxes
# found (the mass is counted all the same): an ensemble settled at its root box kept none,
# and its answer said a share with no box, region or witness to show for it
_SHOWN = 16


@_jit  # type: ignore[misc]
def _walk(
    t: int,
    lo: np.ndarray,
    hi: np.ndarray,
    attr: int,
    n_alpha: int,
    model: tuple[np.ndarray, ...],
    queue: np.ndarray,
    st: tuple[np.ndarray, ...],
) -> None:
    """Tree ``t`` over the box ``[lo, hi)``, breadth first, per alpha when the tree tests the
    attribute (else once, in row 0): into ``st`` = ``(tmn, tmx, width, s_feat, s_cut, fmask,
    tdep)`` the least and largest leaf per alpha, the widest spread, the shallowest straddled
    split, the features of all straddled splits (bits; -1: all) and whether a node on the
    attribute is reached."""
    node_feat, node_cut, node_low, node_high, node_value, roots, uses_attr = model
    tmn, tmx, width, s_feat, s_cut, fmask, tdep = st
    wide = len(lo) > 62
    s_feat[t] = -1
    s_cut[t] = 0
    fmask[t] = -1 if wide else 0
    tdep[t] = 0
    w_t = 0.0
    n_walks = n_alpha if uses_attr[t] else 1
    for a in range(n_walks):
        mn = np.inf
        mx = -np.inf
        head = 0
        tail = 1
        queue[0] = roots[t]
        while head < tail:
            n = queue[head]
            head += 1
            f = node_feat[n]
            if f < 0:
                v = node_value[n]
                if v < mn:
                    mn = v
                if v > mx:
                    mx = v
            elif f == attr:
                tdep[t] = 1
                queue[tail] = node_low[n] if a < node_cut[n] else node_high[n]
                tail += 1
            else:
                c = node_cut[n]
                go_low = lo[f] < c
                go_high = hi[f] > c
                if go_low:
                    queue[tail] = node_low[n]
                    tail += 1
                if go_high:
                    queue[tail] = node_high[n]
                    tail += 1
                if go_low and go_high:
                    if s_feat[t] < 0:
                        s_feat[t] = f
                        s_cut[t] = c
                    if not wide:
                        fmask[t] |= np.int64(1) << f
        tmn[t, a] = mn
        tmx[t, a] = mx
        if mx - mn > w_t:
            w_t = mx - mn
    width[t] = w_t


@_jit  # type: ignore[misc]
def _outcome(
    n_alpha: int,
    base: float,
    eps: float,
    uses_attr: np.ndarray,
    st: tuple[np.ndarray, ...],
    lows: np.ndarray,
    highs: np.ndarray,
    score: np.ndarray,
    direction: bool,
) -> tuple[int, int, int]:
    """``(outcome, feature, cut)`` of a box from its trees' walks: the margin bounds per alpha
    summed in tree order, the tests of ``ensemble.refine``, and when undecided its cut.
    ``direction``: a box is discriminatory only when every alpha's class is decided (who is
    favoured counted per alpha); else it is cut on."""
    tmn, tmx, width, s_feat, s_cut, _, tdep = st
    n_trees = len(uses_attr)
    for a in range(n_alpha):
        lows[a] = base
        highs[a] = base
    dep = False
    for t in range(n_trees):
        if tdep[t]:
            dep = True
        if uses_attr[t]:
            for a in range(n_alpha):
                lows[a] += tmn[t, a]
                highs[a] += tmx[t, a]
        else:
            for a in range(n_alpha):
                lows[a] += tmn[t, 0]
                highs[a] += tmx[t, 0]
    any1 = False
    all1 = True
    any0 = False
    all0 = True
    every = True
    for a in range(n_alpha):
        s1 = lows[a] > eps
        s0 = highs[a] < -eps
        any1 = any1 or s1
        all1 = all1 and s1
        any0 = any0 or s0
        all0 = all0 and s0
        every = every and (s1 or s0)
    if any1 and any0 and (every or not direction):
        return DISC, -1, 0
    if all1 or all0 or not dep:
        return CLEAN, -1, 0
    # the cut: each straddling tree votes for its shallowest straddled split's feature with
    # its width; the winning feature is cut where the widest tree voting for it cuts it
    score[:] = 0.0
    top = 0.0
    for t in range(n_trees):
        if s_feat[t] >= 0:
            score[s_feat[t]] += width[t]
            if width[t] > top:
                top = width[t]
    if top <= 0.0:
        # every tree gives one margin per alpha all over the box: decided by any one cell
        return TIE, -1, 0
    best_f = 0
    for f in range(len(score)):
        if score[f] > score[best_f]:
            best_f = f
    best_t = -1
    for t in range(n_trees):
        if s_feat[t] == best_f and (best_t < 0 or width[t] > width[best_t]):
            best_t = t
    return CUT, best_f, s_cut[best_t]


@_jit  # type: ignore[misc]
def _mass(lo: np.ndarray, hi: np.ndarray, cw: np.ndarray, attr: int) -> float:
    m = 1.0
    for f in range(len(lo)):
        if f != attr:
            m *= cw[f, hi[f]] - cw[f, lo[f]]
    return m


@_jit  # type: ignore[misc]
def _sift_up(h_box: np.ndarray, h_m: np.ndarray, h_p: np.ndarray, i: int) -> None:
    m = h_m[i]
    p_i = h_p[i]
    box = h_box[i].copy()
    while i > 0:
        p = (i - 1) // 2
        if h_p[p] >= p_i:
            break
        h_m[i] = h_m[p]
        h_p[i] = h_p[p]
        h_box[i] = h_box[p]
        i = p
    h_m[i] = m
    h_p[i] = p_i
    h_box[i] = box


@_jit  # type: ignore[misc]
def _sift_down(h_box: np.ndarray, h_m: np.ndarray, h_p: np.ndarray, n: int) -> None:
    m = h_m[0]
    p_i = h_p[0]
    box = h_box[0].copy()
    i = 0
    while True:
        c = 2 * i + 1
        if c >= n:
            break
        if c + 1 < n and h_p[c + 1] > h_p[c]:
            c += 1
        if h_p[c] <= p_i:
            break
        h_m[i] = h_m[c]
        h_p[i] = h_p[c]
        h_box[i] = h_box[c]
        i = c
    h_m[i] = m
    h_p[i] = p_i
    h_box[i] = box


@_jit  # type: ignore[misc]
def _priority(m: float, lows: np.ndarray, highs: np.ndarray, eps: float, beta: float) -> float:
    """An undecided box's place in the heap: its mass, less by ``beta`` times how deep zero
    lies inside its widest-straddling margin range (0 at an end, 1 in the middle)."""
    if beta <= 0.0:
        return m
    r = 0.0
    for a in range(len(lows)):
        if lows[a] <= eps and highs[a] >= -eps and highs[a] > lows[a]:
            q = min(highs[a], -lows[a]) / (highs[a] - lows[a])
            if q > r:
                r = q
    key: float = m * (1.0 - beta * min(2.0 * r, 1.0))
    return key


@_jit  # type: ignore[misc]
def _keep(
    d_box: np.ndarray, d_m: np.ndarray, n_d: int, keep: int, box: np.ndarray, m: float
) -> int:
    """Add a discriminatory box to the buffer; when it is full, keep its largest ``keep + 1``."""
    if n_d == len(d_m):
        order = np.argsort(-d_m)
        d_box[: keep + 1] = d_box[order[: keep + 1]]
        d_m[: keep + 1] = d_m[order[: keep + 1]]
        n_d = keep + 1
    d_box[n_d] = box
    d_m[n_d] = m
    return n_d + 1


@_jit  # type: ignore[misc]
def _ones(ones: np.ndarray, lows: np.ndarray, eps: float, m: float) -> None:
    """A discriminatory box of mass ``m``: to each alpha surely getting class 1 (``lows``,
    its margin's least per alpha), its mass."""
    for a in range(len(ones)):
        if lows[a] > eps:
            ones[a] += m


@_jit  # type: ignore[misc]
def _add(ones: np.ndarray, settled: np.ndarray) -> None:
    for a in range(len(ones)):
        ones[a] += settled[a]


@_jit  # type: ignore[misc]
def _save(
    st: tuple[np.ndarray, ...],
    k_tmn: np.ndarray,
    k_tmx: np.ndarray,
    k_tree: np.ndarray,
    k_mask: np.ndarray,
    i: int,
) -> None:
    """A box's walks onto row ``i`` of the depth-first stack."""
    k_tmn[i] = st[0]
    k_tmx[i] = st[1]
    k_tree[i, 0] = st[2]
    k_tree[i, 1] = st[3]
    k_tree[i, 2] = st[4]
    k_tree[i, 3] = st[6]
    k_mask[i] = st[5]


@_jit  # type: ignore[misc]
def _load(
    st: tuple[np.ndarray, ...],
    k_tmn: np.ndarray,
    k_tmx: np.ndarray,
    k_tree: np.ndarray,
    k_mask: np.ndarray,
    i: int,
) -> None:
    """Row ``i`` of the depth-first stack back into ``st``."""
    st[0][:] = k_tmn[i]
    st[1][:] = k_tmx[i]
    st[2][:] = k_tree[i, 0]
    st[5][:] = k_mask[i]
    for t in range(len(st[3])):
        st[3][t] = np.int64(k_tree[i, 1, t])
        st[4][t] = np.int64(k_tree[i, 2, t])
        st[6][t] = np.int64(k_tree[i, 3, t])


@_jit  # type: ignore[misc]
def best_first(
    h_box: np.ndarray,
    h_m: np.ndarray,
    h_p: np.ndarray,
    n_heap: int,
    model: tuple[np.ndarray, ...],
    tree_size: int,
    cw: np.ndarray,
    attr: int,
    n_alpha: int,
    base: float,
    eps: float,
    budget: int,
    keep: int,
    per_box: int,
    depth: int,
    work: tuple[np.ndarray, ...],
    max_pieces: int,
    max_pairs: int,
    direction: bool,
    ones: np.ndarray,
    beta: float,
) -> tuple[int, float, int, int, np.ndarray, np.ndarray, np.ndarray, int]:
    """Settle the boxes of a max-heap (``h_box``: ``(cap, 2, F)`` lo and hi; ``h_m``: masses;
    ``h_p``: the heap's keys, each mass times ``_priority``'s factor with ``beta``; the first
    ``n_heap`` rows used), the first key first, in place.  A box
    taken is walked down every tree and cut; each half is decided at once, walking again only
    the trees that split the cut feature inside the box, and goes into the heap when
    undecided.  Stops after ``budget`` boxes decided, when the heap is empty or has no room.

    An undecided box whose straddling trees split it into few enough pieces (``max_pieces`` a
    side, ``max_pairs``: see ``settle``; 0: never) is settled at once by ``settle``, its
    discriminatory mass counted exactly, instead of being cut; the heaviest wholly
    discriminatory part of the first ``_SHOWN`` of them with some is kept as a box found.

    ``direction``: a box counts as discriminatory only once every alpha's class is decided
    in it, and ``ones`` (per alpha) gains the discriminatory mass in which alpha gets class 1
    (a box settled adds ``settle``'s own count; the tie boxes are the caller's).

    Returns ``(n_heap, disc_mass, n_disc, steps, disc (k, 2, F), disc masses, ties (k, 2, F),
    settled)`` with the ``keep`` largest discriminatory boxes, the *tie* boxes, where every
    tree gives one margin per alpha but a margin is too close to zero for the sums (the caller
    decides them from one cell with the model's own arithmetic), and the boxes settled."""
    cap, _, n_feat = h_box.shape
    uses_attr = model[6]
    n_trees = len(uses_attr)
    tie_cap = 1024
    ties = np.empty((tie_cap, 2, n_feat), dtype=h_box.dtype)
    n_tie = 0
    d_cap = 2 * keep + 2
    d_box = np.empty((d_cap, 2, n_feat), dtype=h_box.dtype)
    d_m = np.empty(d_cap)
    n_d = 0
    disc_mass = 0.0
    n_disc = 0
    steps = 0
    n_settled = 0
    n_shown = 0  # boxes settled that gave a discriminatory part to keep (``_SHOWN`` a call)
    n_cut = 0
    box = np.empty((3, 2, n_feat), dtype=np.int64)  # the box taken, then each half
    queue = np.empty(tree_size + 2, dtype=np.int64)
    lows = np.empty(n_alpha)
    highs = np.empty(n_alpha)
    score = np.empty(n_feat)
    parent = (
        np.empty((n_trees, n_alpha)),
        np.empty((n_trees, n_alpha)),
        np.empty(n_trees),
        np.empty(n_trees, dtype=np.int64),
        np.empty(n_trees, dtype=np.int64),
        np.empty(n_trees, dtype=np.int64),
        np.empty(n_trees, dtype=np.int64),
    )
    b_tree = np.empty(n_trees, dtype=np.int64)  # backups of the trees a half walks again
    b_tmn = np.empty((n_trees, n_alpha))
    b_tmx = np.empty((n_trees, n_alpha))
    b_width = np.empty(n_trees)
    b_int = np.empty((n_trees, 4), dtype=np.int64)
    # the depth-first stack: boxes cut, each with its trees' walks and its cut
    k_tmn = np.empty((depth, n_trees, n_alpha))
    k_tmx = np.empty((depth, n_trees, n_alpha))
    k_tree = np.empty((depth, 4, n_trees))  # width, s_feat, s_cut, tdep (small: exact in f64)
    k_mask = np.empty((depth, n_trees), dtype=np.int64)
    k_box = np.empty((depth, 2, n_feat), dtype=np.int64)
    k_cut = np.empty((depth, 2), dtype=np.int64)
    k_pri = np.empty(depth)  # each box's priority per unit of mass (``_priority``)
    while n_heap > 0 and steps < budget and n_heap + depth + 2 <= cap and n_tie + 2 < tie_cap:
        box[0] = h_box[0]
        m = h_m[0]
        n_heap -= 1
        if n_heap > 0:
            h_box[0] = h_box[n_heap]
            h_m[0] = h_m[n_heap]
            h_p[0] = h_p[n_heap]
            _sift_down(h_box, h_m, h_p, n_heap)
        for t in range(n_trees):
            _walk(t, box[0, 0], box[0, 1], attr, n_alpha, model, queue, parent)
        outcome, f_cut, c = _outcome(
            n_alpha, base, eps, uses_attr, parent, lows, highs, score, direction
        )
        steps += 1
        sp = 0
        n_cut += outcome == CUT
        if outcome == CUT and max_pieces > 0 and worth(work, n_cut):
            ok, d_exact = settle(
                box[0, 0],
                box[0, 1],
                attr,
                n_alpha,
                base,
                eps,
                model,
                parent[0],
                parent[5],
                queue,
                cw,
                work,
                max_pieces,
                max_pairs,
                n_shown < _SHOWN,
            )
            if ok:
                disc_mass += d_exact
                n_settled += 1
                outcome = SETTLED
                if direction:
                    _add(ones, work[17])
                if work[19][0] > 0.0:  # a box to show from the mass counted
                    n_shown += 1
                    n_disc += 1
                    n_d = _keep(d_box, d_m, n_d, keep, work[18], work[19][0])
        if outcome == CUT:
            k_pri[0] = _priority(1.0, lows, highs, eps, beta)
            _save(parent, k_tmn, k_tmx, k_tree, k_mask, 0)
            k_box[0] = box[0]
            k_cut[0, 0] = f_cut
            k_cut[0, 1] = c
            sp = 1
        elif outcome == DISC:
            disc_mass += m
            n_disc += 1
            n_d = _keep(d_box, d_m, n_d, keep, box[0], m)
            if direction:
                _ones(ones, lows, eps, m)
        elif outcome == TIE:
            ties[n_tie] = box[0]
            n_tie += 1
        evals = 0
        while 0 < sp < depth and evals < per_box and n_tie + 2 < tie_cap:
            # the box on top: each half decided from its walks, the trees that split the
            # cut feature inside it walked again; undecided halves go on the stack
            sp -= 1
            _load(parent, k_tmn, k_tmx, k_tree, k_mask, sp)
            box[0] = k_box[sp]
            f_cut = k_cut[sp, 0]
            c = k_cut[sp, 1]
            bit = np.int64(-1) if n_feat > 62 else np.int64(1) << f_cut
            for half in range(2):
                box[1] = box[0]
                box[1, 1 - half, f_cut] = c
                # the half's walks in place of the parent's: the trees walked again are
                # backed up first and restored after
                n_back = 0
                for t in range(n_trees):
                    if parent[5][t] & bit:
                        b_tree[n_back] = t
                        b_tmn[n_back] = parent[0][t]
                        b_tmx[n_back] = parent[1][t]
                        b_width[n_back] = parent[2][t]
                        b_int[n_back, 0] = parent[3][t]
                        b_int[n_back, 1] = parent[4][t]
                        b_int[n_back, 2] = parent[5][t]
                        b_int[n_back, 3] = parent[6][t]
                        n_back += 1
                        _walk(t, box[1, 0], box[1, 1], attr, n_alpha, model, queue, parent)
                outcome, f2, c2 = _outcome(
                    n_alpha, base, eps, uses_attr, parent, lows, highs, score, direction
                )
                steps += 1
                evals += 1
                m = _mass(box[1, 0], box[1, 1], cw, attr)
                n_cut += outcome == CUT
                if outcome == CUT and max_pieces > 0 and worth(work, n_cut):
                    ok, d_exact = settle(
                        box[1, 0],
                        box[1, 1],
                        attr,
                        n_alpha,
                        base,
                        eps,
                        model,
                        parent[0],
                        parent[5],
                        queue,
                        cw,
                        work,
                        max_pieces,
                        max_pairs,
                        n_shown < _SHOWN,
                    )
                    if ok:
                        disc_mass += d_exact
                        n_settled += 1
                        outcome = SETTLED
                        if direction:
                            _add(ones, work[17])
                        if work[19][0] > 0.0:
                            n_shown += 1
                            n_disc += 1
                            n_d = _keep(d_box, d_m, n_d, keep, work[18], work[19][0])
                if outcome == DISC:
                    disc_mass += m
                    n_disc += 1
                    n_d = _keep(d_box, d_m, n_d, keep, box[1], m)
                    if direction:
                        _ones(ones, lows, eps, m)
                elif outcome == TIE:
                    ties[n_tie] = box[1]
                    n_tie += 1
                elif outcome == CUT:
                    k_pri[sp] = _priority(1.0, lows, highs, eps, beta)
                    _save(parent, k_tmn, k_tmx, k_tree, k_mask, sp)
                    k_box[sp] = box[1]
                    k_cut[sp, 0] = f2
                    k_cut[sp, 1] = c2
                    sp += 1
                for j in range(n_back):
                    t = b_tree[j]
                    parent[0][t] = b_tmn[j]
                    parent[1][t] = b_tmx[j]
                    parent[2][t] = b_width[j]
                    parent[3][t] = b_int[j, 0]
                    parent[4][t] = b_int[j, 1]
                    parent[5][t] = b_int[j, 2]
                    parent[6][t] = b_int[j, 3]
        for i in range(sp):
            # what the depth-first pass left: back into the heap (their walks dropped)
            h_box[n_heap] = k_box[i]
            h_m[n_heap] = _mass(k_box[i, 0], k_box[i, 1], cw, attr)
            h_p[n_heap] = h_m[n_heap] * k_pri[i]
            n_heap += 1
            _sift_up(h_box, h_m, h_p, n_heap - 1)
    return (
        n_heap,
        disc_mass,
        n_disc,
        steps,
        d_box[:n_d].copy(),
        d_m[:n_d].copy(),
        ties[:n_tie].copy(),
        n_settled,
    )


def ready() -> bool:
    """Whether the compiled kernel can be used without compiling it now: compiled in this
    process, or in numba's cache on disk (its first use compiles it: 20-40 s of CPU)."""
    if not COMPILED:
        return False
    if getattr(best_first, "signatures", None):
        return True
    try:
        index = best_first._cache._cache_file._index_path
    except AttributeError:  # not cached (or another numba's internals): assume it is not built
        return False
    return bool(os.path.exists(index))
