"""The insert loop of ``KeyIndex``, compiled (``core.jit``).

``KeyIndex.add`` places a batch of keys with numpy passes: one pass per probe step over the
keys still probing, each gathering from a table of tens of millions of slots.  Here the batch
is placed in one loop, in order of position, which gives the same indices (the new keys, in
order of first occurrence) and the same set.  A first loop computes every key's home slot
and reads it: loads that do not depend on each other, so they overlap in the memory system;
the second places the keys, on slots now cached.  The loop releases the GIL.
"""

from __future__ import annotations

import numpy as np

from assay.core.jit import njit

__all__ = ["empty", "place", "rehash", "rehash_into", "touch", "warm"]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit
def _place(
    table: np.ndarray, vals: np.ndarray, keys: np.ndarray, start: int, new: np.ndarray
) -> tuple[int, np.uint64]:  # pragma: no cover - compiled (tests also run it as Python)
    size = table.size
    usize = np.uint64(size)
    n = keys.size
    home = np.empty(n, dtype=np.int64)
    touched = np.uint64(0)
    for i in range(n):  # the splitmix64 finaliser of ``keys.mix64``, and a read of the slot
        z = keys[i]
        z ^= z >> np.uint64(30)
        z *= _M1
        z ^= z >> np.uint64(27)
        z *= _M2
        z ^= z >> np.uint64(31)
        s = np.int64(((z >> np.uint64(32)) * usize) >> np.uint64(32))
        home[i] = s
        touched ^= table[s]
    count = 0
    for i in range(n):
        key = keys[i]
        s = home[i]
        while True:
            here = table[s]
            if here == key:
                break
            if here == 0:
                table[s] = key
                vals[s] = start + count
                new[i] = True
                count += 1
                break
            s += 1
            if s == size:
                s = np.int64(0)
    return count, touched  # (returning ``touched`` keeps the first loop's reads)


@njit
def _rehash(
    old_keys: np.ndarray, old_vals: np.ndarray, table: np.ndarray, vals: np.ndarray
) -> None:  # pragma: no cover - compiled (tests also run it as Python)
    size = table.size
    usize = np.uint64(size)
    for i in range(old_keys.size):
        key = old_keys[i]
        if key == 0:
            continue
        z = key
        z ^= z >> np.uint64(30)
        z *= _M1
        z ^= z >> np.uint64(27)
        z *= _M2
        z ^= z >> np.uint64(31)
        s = np.int64(((z >> np.uint64(32)) * usize) >> np.uint64(32))
        while table[s] != 0:  # (every key differs: the first free slot)
            s += 1
            if s == size:
                s = np.int64(0)
        table[s] = key
        vals[s] = old_vals[i]


@njit
def _touch(table: np.ndarray, vals: np.ndarray) -> None:  # pragma: no cover - compiled
    for i in range(0, table.size, 512):  # a write per 4 KiB page
        table[i] = 0
    for i in range(0, vals.size, 1024):
        vals[i] = 0


def empty(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Zeroed key and index arrays of ``size`` slots."""
    return np.zeros(size, dtype=np.uint64), np.zeros(size, dtype=np.int32)


def touch(table: np.ndarray, vals: np.ndarray) -> None:
    """Take every page of two zeroed arrays now (the loop releases the GIL)."""
    _touch(table, vals)


def rehash_into(
    old_keys: np.ndarray, old_vals: np.ndarray, table: np.ndarray, vals: np.ndarray
) -> None:
    """The keys and indices of a table, placed in the zeroed, larger ``table`` and ``vals``.
    A key's home grows with its hash (see ``hashset``), so in the order of the old slots the
    new homes ascend too: the writes go forward through the new table, mostly to cached
    lines."""
    _rehash(old_keys, old_vals, table, vals)


def rehash(old_keys: np.ndarray, old_vals: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The keys and indices of a table, placed in a new one of ``size`` slots."""
    table, vals = empty(size)
    rehash_into(old_keys, old_vals, table, vals)
    return table, vals


def place(table: np.ndarray, vals: np.ndarray, keys: np.ndarray, start: int) -> np.ndarray:
    """Insert ``keys`` (uint64, none 0) into ``table`` with ``vals`` (int32 indices from
    ``start``, in order of first occurrence); returns the mask of positions that added a
    key.  The table must have room for them all."""
    new = np.zeros(keys.size, dtype=np.bool_)
    _place(table, vals, np.ascontiguousarray(keys, dtype=np.uint64), int(start), new)
    return new


def warm() -> None:
    """Compile the loops (or load them from numba's cache)."""
    table, vals = np.zeros(16, dtype=np.uint64), np.zeros(16, dtype=np.int32)
    place(table, vals, np.ones(1, np.uint64), 0)
    rehash(table, vals, 32)
    touch(table, vals)
