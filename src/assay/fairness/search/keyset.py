"""The set of classes a search has evaluated, with each one's verdict.

Keys are spread over several ``KeyIndex`` shards (by high bits of a mixed key), so that when
a shard grows, only that shard is rebuilt: the memory peak of a growth stays a fraction of the
set's size (one big table doubling at ten million keys briefly needs several hundred MB).
"""

from __future__ import annotations

import numpy as np

from assay.core.hashset import KeyIndex
from assay.core.keys import mix64

__all__ = ["ClassSet"]


class ClassSet:
    """uint64 keys in ``shards`` KeyIndex shards, each with a verdict (bool) per key."""

    def __init__(self, capacity: int = 1 << 14, shards: int = 1) -> None:
        if shards < 1 or shards & (shards - 1):
            raise ValueError(f"shards must be a power of two, not {shards}")
        self._bits = shards.bit_length() - 1
        self._shards = [KeyIndex(capacity=max(capacity // shards, 16)) for _ in range(shards)]
        self._disc = [np.zeros(max(capacity // shards, 16), dtype=bool) for _ in range(shards)]
        self._last: list[int] = [0] * shards  # keys each shard took in the last add
        self._last_parts: list[tuple[int, np.ndarray]] = []  # (shard, positions of new keys)
        self._last_new = np.zeros(0, dtype=bool)

    def __len__(self) -> int:
        return sum(len(s) for s in self._shards)

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self._shards) + sum(d.nbytes for d in self._disc)

    def _split(self, keys: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """(shard, positions of its keys in order) for every shard that gets keys."""
        if self._bits == 0:
            return [(0, np.arange(len(keys)))]
        shard = (mix64(keys) >> np.uint64(64 - self._bits)).astype(np.intp)
        if len(keys) == 1:
            return [(int(shard[0]), np.zeros(1, dtype=np.intp))]
        order = np.argsort(shard, kind="stable")
        bounds = np.searchsorted(shard[order], np.arange(len(self._shards) + 1))
        return [
            (s, order[bounds[s] : bounds[s + 1]])
            for s in range(len(self._shards))
            if bounds[s + 1] > bounds[s]
        ]

    def add(self, keys: np.ndarray) -> np.ndarray:
        """Insert keys; the mask of those new (first occurrence within the batch)."""
        keys = np.asarray(keys, dtype=np.uint64)
        new = np.zeros(len(keys), dtype=bool)
        self._last = [0] * len(self._shards)
        self._last_parts = []
        for s, pos in self._split(keys):
            added = self._shards[s].add(keys[pos])
            new[pos] = added
            self._last[s] = int(np.count_nonzero(added))
            self._last_parts.append((s, pos[added]))
        self._last_new = new
        return new

    def contains(self, keys: np.ndarray) -> np.ndarray:
        return self.verdicts(keys) >= 0

    def set_last(self, disc: np.ndarray) -> None:
        """Record the verdicts of the new keys of the last ``add``, in their order."""
        rank = np.cumsum(self._last_new) - 1
        for s, pos in self._last_parts:
            n = len(self._shards[s])
            if n > len(self._disc[s]):
                grown = np.zeros(max(2 * len(self._disc[s]), n), dtype=bool)
                grown[: len(self._disc[s])] = self._disc[s]
                self._disc[s] = grown
            self._disc[s][n - len(pos) : n] = disc[rank[pos]]

    def verdicts(self, keys: np.ndarray) -> np.ndarray:
        """-1 where a key is absent, else 1 (discriminatory) or 0."""
        keys = np.asarray(keys, dtype=np.uint64)
        out = np.full(len(keys), -1, dtype=np.int8)
        for s, pos in self._split(keys):
            idx = self._shards[s].lookup(keys[pos])
            hit = idx >= 0
            out[pos[hit]] = self._disc[s][idx[hit]]
        return out

    def drop_last(self) -> None:
        """Remove the keys the last ``add`` inserted (rebuilds the shards that took some)."""
        for s, count in enumerate(self._last):
            if count:
                keys = self._shards[s].keys()
                self._shards[s] = KeyIndex.from_keys(keys[: len(keys) - count])
            self._last[s] = 0
        self._last_parts, self._last_new = [], np.zeros(0, dtype=bool)
