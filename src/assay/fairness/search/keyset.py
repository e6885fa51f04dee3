"""The set of classes a search has evaluated, with each one's verdict.

One ``KeyIndex`` gives every key a dense index in order of insertion; verdicts live in a bool
array under the same index, so a batch of keys admitted together occupies one range of
indices and gets its verdicts later (when its model call has answered).
"""

from __future__ import annotations

import numpy as np

from assay.core.hashset import KeyIndex

__all__ = ["ClassSet"]


class ClassSet:
    """uint64 keys, each with a verdict (bool) set once the key's class was evaluated."""

    def __init__(self, capacity: int = 1 << 14, *, max_keys: int | None = None) -> None:
        """``max_keys``: the caller's bound on the keys it will add (see ``KeyIndex``)."""
        self._index = KeyIndex(capacity=max(capacity, 16), max_keys=max_keys, grow_ahead=True)
        self._disc = np.zeros(max(capacity, 16), dtype=bool)

    def __len__(self) -> int:
        return len(self._index)

    @property
    def nbytes(self) -> int:
        return self._index.nbytes + self._disc.nbytes

    def add(self, keys: np.ndarray) -> np.ndarray:
        """Insert keys; the mask of those new (first occurrence within the batch).

        The new keys take the indices ``len(self)`` (before the call) onwards, in order.
        """
        new = self._index.add(np.asarray(keys, dtype=np.uint64))
        n = len(self._index)
        if n > len(self._disc):
            grown = np.zeros(max(2 * len(self._disc), n), dtype=bool)
            grown[: len(self._disc)] = self._disc
            self._disc = grown
        return new

    def reserve(self, n: int, *, ahead: bool = False) -> None:
        """Make room for ``n`` keys in all (``ahead``: see ``KeyIndex.reserve``)."""
        self._index.reserve(n, ahead=ahead)
        if n > len(self._disc):
            grown = np.zeros(n, dtype=bool)
            grown[: len(self._disc)] = self._disc
            self._disc = grown

    def contains(self, keys: np.ndarray) -> np.ndarray:
        return self._index.lookup(keys) >= 0

    def set_verdicts(self, start: int, disc: np.ndarray) -> None:
        """Record the verdicts of the keys with indices ``start, start + 1, ...``."""
        self._disc[start : start + len(disc)] = disc

    def verdicts(self, keys: np.ndarray) -> np.ndarray:
        """-1 where a key is absent, else 1 (discriminatory) or 0."""
        idx = self._index.lookup(np.asarray(keys, dtype=np.uint64))
        out = np.full(len(idx), -1, dtype=np.int8)
        hit = idx >= 0
        out[hit] = self._disc[idx[hit]]
        return out

    def truncate(self, n: int) -> None:
        """Keep only the first ``n`` keys inserted (rebuilds the index; verdicts stay)."""
        if n < len(self._index):
            index = KeyIndex.from_keys(self._index.keys()[:n], max_keys=self._index.max_keys)
            index.grow_ahead = True
            self._index = index
            self._disc[n:] = False
