"""The time mode's walkers in compiled loops (``core.jit``): their proposals
(``WalkSearch._propose`` and ``_changed_after``) and what a received round does to them
(``_learn``, ``_move`` and ``_remember``).

The numpy forms make some forty passes over a round's walkers; here one loop per walker does
the same arithmetic in the same order on the same random draws (drawn by the caller, in the
numpy form's order), so both give the same search, bit for bit (a test runs both).
"""

from __future__ import annotations

import numpy as np

from assay.core.jit import njit

__all__ = ["propose", "settle", "warm"]

_JUMP, _RANDOM = 1, 2  # move kinds, as in ``walk``


@njit
def _propose(
    pos: np.ndarray,
    active: np.ndarray,
    movable: np.ndarray,
    cum: np.ndarray,
    total: float,
    draws: np.ndarray,
    mcum: np.ndarray,
    p_up: np.ndarray,
    unit: np.ndarray,
    jump_scale: np.ndarray,
    lows: np.ndarray,
    highs: np.ndarray,
    disc: np.ndarray,
    lattice: np.ndarray,
    data: np.ndarray,
    origin: np.ndarray,
    changed: np.ndarray,
    cand: np.ndarray,
    feat: np.ndarray,
    move: np.ndarray,
    up: np.ndarray,
    after: np.ndarray,
) -> None:  # pragma: no cover - compiled (tests also run it as Python)
    n = active.size
    d = pos.shape[1]
    m = movable.size
    with_data = data.shape[0] > 0
    for i in range(n):
        w = active[i]
        for j in range(d):
            cand[i, j] = pos[w, j]
        # the feature: np.searchsorted(cum, draw * total) (side "left"), clipped
        x = draws[0, i] * total
        k = 0
        while k < m and cum[k] < x:
            k += 1
        if k > m - 1:
            k = m - 1
        f = movable[k]
        r = draws[1, i]
        kind = (1 if r > mcum[f, 0] else 0) + (1 if r > mcum[f, 1] else 0)
        rise = draws[2, i] < p_up[f]
        sign = 1.0 if rise else -1.0
        jump = draws[4, i] * jump_scale[f]
        steps = 1.0 + np.floor(jump) if kind == _JUMP else 1.0
        old = pos[w, f]
        lo = lows[f]
        hi = highs[f]
        new = old + sign * unit[f] * steps
        if new < lo or new > hi:  # bounce off the edge
            new = old - sign * unit[f] * steps
            rise = not rise
        if kind == _RANDOM:
            new = lo + draws[3, i] * (hi - lo + (1.0 if disc[f] else 0.0))
        s = lattice[f]
        if disc[f]:
            new = np.floor(new)
        elif s > 0:  # on the feature's lattice, as ``lattice.snap``
            new = np.floor(new * s + 0.5) / s
        elif s < 0:
            new = np.floor(new / -s + 0.5) * -s
        new = min(max(new, lo), hi)
        cand[i, f] = new
        feat[i] = f
        move[i] = kind
        up[i] = rise
        # features changed from the origin row: only the mutated one can change the count
        before = changed[w]
        if with_data:
            o = origin[w]
            if o < 0:
                before = -1
            else:
                ref = data[o, f]
                before += (1 if new != ref else 0) - (1 if old != ref else 0)
        after[i] = before


def propose(
    pos: np.ndarray,
    active: np.ndarray,
    movable: np.ndarray,
    cum: np.ndarray,
    total: float,
    draws: np.ndarray,
    mcum: np.ndarray,
    p_up: np.ndarray,
    tables: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    data: np.ndarray | None,
    origin: np.ndarray,
    changed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Proposals of the ``active`` walkers: (rows, feature, move kind, upward, features
    changed from the origin row).  ``draws`` (5, n): the feature, move, direction, random
    value and jump draws; ``tables``: unit, jump scale, lows, highs, discrete and lattice
    scale (``fairness.lattice``) per feature."""
    n = len(active)
    d = pos.shape[1]
    cand = np.empty((n, d))
    feat = np.empty(n, dtype=np.int64)
    move = np.empty(n, dtype=np.int64)
    up = np.empty(n, dtype=np.bool_)
    after = np.empty(n, dtype=np.int64)
    unit, jump_scale, lows, highs, disc, lattice = tables
    _propose(
        pos,
        active,
        movable,
        cum,
        float(total),
        draws,
        mcum,
        p_up,
        unit,
        jump_scale,
        lows,
        highs,
        disc,
        lattice,
        np.zeros((0, d)) if data is None else data,
        origin,
        changed,
        cand,
        feat,
        move,
        up,
        after,
    )
    return cand, feat, move, up, after


@njit
def _settle(
    active: np.ndarray,
    cand: np.ndarray,
    feat: np.ndarray,
    move: np.ndarray,
    up: np.ndarray,
    evaluated: np.ndarray,
    disc: np.ndarray,
    rows: np.ndarray,
    origin: np.ndarray,
    changed: np.ndarray,
    counts: np.ndarray,
    pos: np.ndarray,
    w_changed: np.ndarray,
    stuck: np.ndarray,
    busy: np.ndarray,
    pool: np.ndarray,
    pool_origin: np.ndarray,
    pool_changed: np.ndarray,
    pool_next: int,
    alive: np.ndarray,
    patience: int,
    need: np.ndarray,
) -> tuple[int, int]:  # pragma: no cover - compiled (tests also run it as Python)
    n = active.size
    d = pos.shape[1]
    for i in range(n):
        w = active[i]
        busy[w] = False
        if evaluated[i]:  # what the walkers learn (``WalkSearch._learn``), as counts
            f = feat[i]
            hit = disc[i]
            counts[0, f] += 1
            counts[2, 3 * f + move[i]] += 1
            if hit:
                counts[1, f] += 1
                counts[3, 3 * f + move[i]] += 1
            if move[i] != _RANDOM:
                u = 2 * f + (1 if up[i] else 0)
                counts[4, u] += 1
                if hit:
                    counts[5, u] += 1
        if disc[i]:  # ``WalkSearch._move``
            for j in range(d):
                pos[w, j] = cand[i, j]
            w_changed[w] = changed[i]
            stuck[w] = 0
        else:
            stuck[w] += 1
    # ``WalkSearch._remember``: the IDIs into the ring of recent ones (the last ``size``)
    size = pool.shape[0]
    total = 0
    for i in range(rows.shape[0]):
        if disc[i]:
            total += 1
    skip = total - size if total > size else 0
    slot = pool_next
    for i in range(rows.shape[0]):
        if disc[i]:
            if skip > 0:
                skip -= 1
                continue
            for j in range(d):
                pool[slot, j] = rows[i, j]
            pool_origin[slot] = origin[i]
            pool_changed[slot] = changed[i]
            slot += 1
            if slot == size:
                slot = 0
    # the walkers to restart (``WalkSearch._restart``): dead or stuck, and not busy
    n_need = 0
    for w in range(stuck.size):
        if (not alive[w] or stuck[w] >= patience) and not busy[w]:
            need[n_need] = w
            n_need += 1
    return (total if total < size else size), n_need


def settle(
    active: np.ndarray,
    cand: np.ndarray,
    feat: np.ndarray,
    move: np.ndarray,
    up: np.ndarray,
    evaluated: np.ndarray,
    disc: np.ndarray,
    rows: np.ndarray,
    origin: np.ndarray,
    changed: np.ndarray,
    walkers: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    ring: tuple[np.ndarray, np.ndarray, np.ndarray],
    pool_next: int,
    n_features: int,
    alive: np.ndarray,
    patience: int,
) -> tuple[np.ndarray, int, np.ndarray]:
    """A received round, for the walkers that proposed: the counts they learn from (rows:
    tries and hits per feature, per feature and move kind, per feature and direction), their
    moves to the IDIs they found, and the round's IDIs written into the ring of recent ones
    (``walkers``: positions, features changed, failures in a row, busy; ``ring``: rows,
    origins, features changed).  Returns the counts, the number of IDIs written, and the
    walkers to restart (``alive`` false, or ``patience`` failures in a row; not busy)."""
    counts = np.zeros((6, 3 * n_features), dtype=np.int64)
    pos, w_changed, stuck, busy = walkers
    pool, pool_origin, pool_changed = ring
    need = np.empty(len(stuck), dtype=np.int64)
    written, n_need = _settle(
        active,
        cand,
        feat,
        move,
        up,
        evaluated,
        disc,
        rows,
        origin,
        changed,
        counts,
        pos,
        w_changed,
        stuck,
        busy,
        pool,
        pool_origin,
        pool_changed,
        int(pool_next),
        alive,
        int(patience),
        need,
    )
    return counts, int(written), need[:n_need]


def warm() -> None:
    """Compile the loops (or load them from numba's cache), with and without data rows."""
    d, n = 2, 2
    pos = np.zeros((4, d))
    ones = np.ones(d)
    tables = (ones, ones, np.zeros(d), ones, np.ones(d, dtype=np.bool_), np.zeros(d))
    ints = np.zeros(4, dtype=np.int64)
    for data in (None, np.zeros((3, d))):
        cand, feat, move, up, after = propose(
            pos,
            np.arange(n, dtype=np.int64),
            np.arange(d, dtype=np.int64),
            np.array([0.5, 1.0]),
            1.0,
            np.full((5, n), 0.5),
            np.tile([0.3, 0.6, 1.0], (d, 1)),
            np.full(d, 0.5),
            tables,
            data,
            ints,
            ints,
        )
    flags = np.ones(n, dtype=np.bool_)
    settle(
        np.arange(n, dtype=np.int64),
        cand,
        feat,
        move,
        up,
        flags,
        flags,
        cand,
        after,
        after,
        (pos, ints.copy(), ints.copy(), np.zeros(4, dtype=np.bool_)),
        (np.zeros((4, d)), ints.copy(), ints.copy()),
        0,
        d,
        np.ones(4, dtype=np.bool_),
        1,
    )
