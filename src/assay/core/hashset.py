"""A compact, vectorised set of uint64 keys mapping each to its insertion index.

Open addressing with linear probing over a table kept at most 70 % full; every operation
works on a whole batch with numpy, with no sorting.  Memory: 12 bytes per slot, so ten
million keys take 200 MB (16.7 million slots).  Key 0 is remapped internally, so every
uint64 is a valid key.

A key's home slot is the high half of its mixed hash scaled to the table's size
(``(h >> 32) * size >> 32``): any size works, so a table with a memory bound (``max_keys``)
doubles until the next doubling would pass the bound, then grows once to the bound itself
rather than stopping at the last power of two (which wasted up to half the memory allowed);
and homes ascend with the hash, so a rehash walks both tables forward.

A slot is empty where its key is 0; its index is read only where a key is, so both arrays
start as zeros: the memory of a table reserved ahead is taken page by page as keys land
(a table filled with -1 took every page at once).

Once a set holds ``jit.LARGE`` keys, ``add`` places its batches with a compiled loop
(``hashkernel``, see ``core.jit``): the same indices and the same set, several times
faster on a large table.

A table reserved ``ahead`` is made on a background thread: its memory taken and every page
of it touched there, while the set goes on in its current table; the keys move into it when
it is ready (or when the current table is full, waiting for it then).  Taking fresh memory
is the slow part of a grow where the kernel (or the hypervisor beneath it) backs pages one
fault at a time: on a virtual machine whose memory the host backs lazily, a table of 800 MB
took 4-12 s to touch, during which the search had stood still.
"""

from __future__ import annotations

import threading

import numpy as np

from assay.core import jit
from assay.core.keys import mix64

__all__ = ["KeyIndex"]

_EMPTY = np.uint64(0)
_ZERO_STANDIN = np.uint64(0x8000000000000001)
_MAX_LOAD = 0.7
_GROW_CHUNK = 1 << 20
_TAIL = 64  # keys left probing: below this many, placed one at a time
_SLOT_BYTES = 12  # uint64 key + int32 index
WAIT_KEYS = 1 << 21  # keys added at once from which the compiled loops are waited for
_MAX_SLOTS = 1 << 32  # homes scale the hash's high 32 bits


def _next(slots: np.ndarray, size: int) -> np.ndarray:
    """The next slot of each (the table wraps round)."""
    nxt = slots + 1
    nxt[nxt == size] = 0
    return nxt


_TOUCH_CHUNK = 1 << 20  # slots whose pages a table made ahead takes at a time (12 MiB)


class _Ahead:
    """A table of ``size`` slots being made on a background thread: its zeroed arrays exist
    at once, and the thread takes their pages chunk by chunk (a write per page, by the
    compiled loop when it is loaded, else numpy's fill: both release the GIL, so the search
    goes on meanwhile).  Taken before the thread is done, the thread stops after its chunk
    and the pages left are taken as keys land in them, as in a table made on the spot."""

    def __init__(self, size: int, *, after: _Ahead | None = None, eager: bool = True) -> None:
        """``after``: a smaller table being made, let go: this one is made once that one's
        thread has stopped (one table made at a time, and the search waits for neither).
        ``eager``: the keys move in as soon as it is ready (a reservation), else only when
        the current table is full (the next doubling, made ahead)."""
        self.size = size
        self.eager = eager
        self._made: tuple[np.ndarray, np.ndarray] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._make, args=(after,), name="assay-reserve", daemon=True
        )
        self._thread.start()

    def _make(self, after: _Ahead | None) -> None:
        if after is not None:
            after.take()
            after._made = None
        try:
            keys = np.zeros(self.size, dtype=np.uint64)
            vals = np.zeros(self.size, dtype=np.int32)
        except MemoryError:  # the grow when it is needed will say so
            return
        self._made = keys, vals
        kernel = jit.compiled("assay.core.hashkernel")
        for start in range(0, self.size, _TOUCH_CHUNK):
            if self._stop.is_set():
                return
            part = slice(start, start + _TOUCH_CHUNK)
            if kernel is not None:
                kernel.touch(keys[part], vals[part])
            else:
                keys[part].fill(0)
                vals[part].fill(0)

    def ready(self) -> bool:
        return not self._thread.is_alive()

    def take(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The zeroed arrays, or None if they could not be made (the thread stopped first if
        it is still taking their pages)."""
        self._stop.set()
        self._thread.join()
        return self._made


def _slots_for(n: int) -> int:
    """The fewest slots that hold ``n`` keys within the load factor."""
    return max(16, int(np.ceil(n / _MAX_LOAD)) + 1)


class KeyIndex:
    """Maps uint64 keys to dense indices 0, 1, 2, ... in order of first insertion."""

    def __init__(
        self, capacity: int = 1024, *, max_keys: int | None = None, grow_ahead: bool = False
    ) -> None:
        """``max_keys``: the most keys the caller will ever insert (its memory bound); the
        table then never takes more slots than those keys need.  ``grow_ahead``: once a
        large table (``jit.LARGE`` keys) is half as full as it may be, the next one is made
        ahead (see the module's docstring), so that a set growing past its reservations
        does not stand still while its next table's pages are taken."""
        self.max_keys = max_keys
        self.grow_ahead = grow_ahead
        self._max_slots = None if max_keys is None else _slots_for(max(int(max_keys), 1))
        self._keys = np.zeros(self._size_for(capacity), dtype=np.uint64)
        self._vals = np.zeros(self._keys.size, dtype=np.int32)  # (read only where a key is)
        self._n = 0
        self._ahead: _Ahead | None = None

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state["_ahead"] = None  # (a table being made is not part of the set)
        return state

    def _size_for(self, n: int) -> int:
        size = 16
        while n > _MAX_LOAD * size:
            size *= 2
        if self._max_slots is not None and 4 * size > 3 * self._max_slots:
            # past the bound, or so near it that one more growth would follow: the bound
            size = max(self._max_slots, _slots_for(n))
        if size > _MAX_SLOTS:
            raise MemoryError(f"a key set of {n:,} keys is beyond this table's design")
        return size

    def __len__(self) -> int:
        return self._n

    @staticmethod
    def max_keys_within(nbytes: int, *, extra_per_key: float = 0.0) -> int:
        """The most keys a ``KeyIndex`` made with that ``max_keys`` holds without its table
        (and ``extra_per_key`` bytes of the caller's per key) growing beyond ``nbytes``."""
        slots = min(int(nbytes / (_SLOT_BYTES + _MAX_LOAD * extra_per_key)), _MAX_SLOTS)
        return max(int(_MAX_LOAD * slots) - 1, 1)

    @property
    def nbytes(self) -> int:
        ahead = 0 if self._ahead is None else self._ahead.size * _SLOT_BYTES
        return int(self._keys.nbytes + self._vals.nbytes) + ahead

    def keys(self) -> np.ndarray:
        """All keys, in order of insertion (normalised: key 0 reads back as its stand-in)."""
        used: np.ndarray = self._keys != _EMPTY
        keys: np.ndarray = self._keys[used]
        return keys[np.argsort(self._vals[used], kind="stable")]

    @staticmethod
    def _norm(keys: np.ndarray) -> np.ndarray:
        k = np.asarray(keys, dtype=np.uint64).reshape(-1)
        return np.where(k == _EMPTY, _ZERO_STANDIN, k)

    def _home(self, keys: np.ndarray) -> np.ndarray:
        # (``keys`` is a 1-D array: its arithmetic wraps silently, no ``errstate`` needed)
        hi = mix64(keys) >> np.uint64(32)
        return ((hi * np.uint64(self._keys.size)) >> np.uint64(32)).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The index of each key, or -1 where the key is absent."""
        k = self._norm(keys)
        if k.size <= _TAIL:
            return self._lookup_few(k)
        out = np.full(k.size, -1, dtype=np.int64)
        slots = self._home(k)
        size = self._keys.size
        active = np.arange(k.size)
        while active.size:
            s = slots[active]
            here = self._keys[s]
            hit = here == k[active]
            out[active[hit]] = self._vals[s[hit]]
            go_on = ~(hit | (here == _EMPTY))
            active = active[go_on]
            slots[active] = _next(s[go_on], size)
        return out

    def _lookup_few(self, k: np.ndarray) -> np.ndarray:
        """``lookup`` of a few keys (normalised), probed one at a time: a batch of tens of keys
        (a search's round) costs a few Python steps a key rather than a dozen numpy passes."""
        table, vals = self._keys, self._vals
        size = table.size
        out: list[int] = []
        for key, s in zip(k.tolist(), self._home(k).tolist(), strict=True):
            while True:
                here = int(table[s])
                if here == key:
                    out.append(int(vals[s]))
                    break
                if not here:
                    out.append(-1)
                    break
                s += 1
                if s == size:
                    s = 0
        return np.array(out, dtype=np.int64)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        return self.lookup(keys) >= 0

    def add(self, keys: np.ndarray) -> np.ndarray:
        """Insert keys; returns a mask of the positions that added a new key.

        Within one batch only the first occurrence of a repeated key counts as new.
        """
        k = self._norm(keys)
        if k.size == 0:
            return np.zeros(0, dtype=bool)
        full = self._n + k.size > _MAX_LOAD * self._keys.size
        if self._ahead is not None and (full or (self._ahead.eager and self._ahead.ready())):
            self._take_ahead()
            full = self._n + k.size > _MAX_LOAD * self._keys.size
        if full:
            self._grow(self._n + k.size)
        elif self._half_full(k.size):
            size = self._size_for(int(_MAX_LOAD * self._keys.size) + 1)  # the next doubling
            if size > self._keys.size:
                self._ahead = _Ahead(size, eager=False)
        # a batch this large waits for the compiled loops (a resumed run's 18.7 million keys:
        # 30 s in numpy, 15 s and 3 s of loading compiled); smaller ones take them when ready
        whole = k.size >= WAIT_KEYS
        kernel = (
            jit.compiled("assay.core.hashkernel", wait=whole)
            if self._n >= jit.LARGE or whole
            else None
        )
        if kernel is not None:
            new = kernel.place(self._keys, self._vals, k, self._n)
            self._n += int(np.count_nonzero(new))
            return new  # type: ignore[no-any-return]
        if k.size <= _TAIL:
            return self._add_few(k)
        new, slots = self._place(k)
        count = int(new.sum())
        self._vals[slots[new]] = np.arange(self._n, self._n + count, dtype=np.int32)
        self._n += count
        return new

    def _add_few(self, k: np.ndarray) -> np.ndarray:
        """``add`` of a few keys (normalised), placed one at a time in order of position: the
        same table, slot for slot and index for index, as ``_place`` (whose batches of up to
        ``_TAIL`` keys go to ``_place_each``) and ``add``'s numbering of the new ones."""
        table, vals = self._keys, self._vals
        size = table.size
        n = self._n
        new: list[bool] = []
        for key, s in zip(k.tolist(), self._home(k).tolist(), strict=True):
            while True:
                here = int(table[s])
                if here == key:
                    new.append(False)
                    break
                if not here:
                    table[s] = key
                    vals[s] = n
                    n += 1
                    new.append(True)
                    break
                s += 1
                if s == size:
                    s = 0
        self._n = n
        return np.array(new, dtype=bool)

    def _half_full(self, adding: int) -> bool:
        """Whether a set that grows ahead should start making its next table now."""
        if not self.grow_ahead or self._ahead is not None or self._n < jit.LARGE:
            return False
        return self._n + adding > _MAX_LOAD / 2 * self._keys.size

    def reserve(self, n: int, *, ahead: bool = False) -> None:
        """Make room for ``n`` keys in all (one grow now rather than several later).

        ``ahead``: the larger table is made on a background thread (see the module's
        docstring); the set is the same either way, key for key and index for index."""
        if n <= _MAX_LOAD * self._keys.size:
            return
        if not ahead:
            self._grow(n)
            return
        size = self._size_for(n)
        if self._ahead is None or self._ahead.size < size:
            self._ahead = _Ahead(size, after=self._ahead)

    def _take_ahead(self) -> None:
        """Move the keys into the table made ahead (waiting for it), if it was made."""
        ahead, self._ahead = self._ahead, None
        made = ahead.take() if ahead is not None else None
        if made is None or made[0].size <= self._keys.size:
            return
        self._grow(0, into=made)

    def _place(self, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Write absent keys into the table; returns (new mask, slot of each key)."""
        size = self._keys.size
        slots = self._home(k)
        new = np.zeros(k.size, dtype=bool)
        pending = np.arange(k.size)
        while pending.size:
            if pending.size <= _TAIL:  # the few keys in long clusters: one at a time
                self._place_each(k, pending, slots, new)
                break
            s = slots[pending]
            here = self._keys[s]
            hit = here == k[pending]
            empty = here == _EMPTY
            claim = pending[empty]
            cs = s[empty]
            won = np.zeros(0, dtype=bool)
            if claim.size:
                # the earliest position claiming a slot wins it (assignment keeps the last write)
                self._vals[cs[::-1]] = claim[::-1].astype(np.int32)
                won = self._vals[cs] == claim
                self._keys[cs[won]] = k[claim[won]]
                new[claim[won]] = True
            settled = hit
            settled[empty] = won
            advance = ~(hit | empty)
            slots[pending[advance]] = _next(s[advance], size)
            pending = pending[~settled]
        return new, slots

    def _place_each(
        self, k: np.ndarray, pending: np.ndarray, slots: np.ndarray, new: np.ndarray
    ) -> None:
        """``_place`` for a few keys, in order of position (the first of equal keys is new):
        a long probe costs a few Python steps rather than a numpy pass over the batch."""
        keys, vals = self._keys, self._vals
        size = keys.size
        empty = int(_EMPTY)
        for i in sorted(pending.tolist()):
            key = int(k[i])
            s = int(slots[i])
            while True:
                here = int(keys[s])
                if here == key:
                    break
                if here == empty:
                    keys[s] = key
                    vals[s] = i
                    new[i] = True
                    break
                s = (s + 1) % size
            slots[i] = s

    def _grow(self, n: int, *, into: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """A larger table with the same keys and indices (``into``: zeroed arrays made
        ahead, else new ones for ``n`` keys).

        No probing: in order of home slot, linear probing puts each key in the first free
        slot at or after its home, that is ``max(home, slot of the key before + 1)``, a
        running maximum.  The few keys pushed past the end wrap round to the start (probed).
        """
        if into is None:
            if self._ahead is not None:  # a grow made now supersedes the table made ahead
                self._ahead.take()
                self._ahead = None
            size = self._size_for(n)
        else:
            size = into[0].size
        kernel = jit.compiled("assay.core.hashkernel", wait=False) if self._n >= jit.LARGE else None
        if kernel is not None:  # one compiled pass over the old table
            table, vals = into if into is not None else kernel.empty(size)
            kernel.rehash_into(self._keys, self._vals, table, vals)
            self._keys, self._vals = table, vals
            return
        old_keys, old_vals = self._keys, self._vals
        used = old_keys != _EMPTY
        k, v = old_keys[used], old_vals[used]
        del old_keys, old_vals, used
        if into is not None:
            self._keys, self._vals = into
        else:
            self._keys = np.zeros(size, dtype=np.uint64)
            self._vals = np.zeros(size, dtype=np.int32)
        home = self._home(k)
        order = np.argsort(home, kind="stable")  # (nearly sorted already: old slot order)
        size = self._keys.size
        carry = 0  # the first slot the next key may take
        wrapped: list[np.ndarray] = []
        for start in range(0, len(order), _GROW_CHUNK):
            idx = order[start : start + _GROW_CHUNK]
            steps = np.arange(len(idx), dtype=np.int64)
            # slot_i = max(home_i, slot_{i-1} + 1) = i + max_{j <= i}(home_j - j), from carry
            slot = np.maximum.accumulate(np.maximum(home[idx] - steps, carry)) + steps
            carry = int(slot[-1]) + 1
            fits = slot < size
            self._keys[slot[fits]] = k[idx[fits]]
            self._vals[slot[fits]] = v[idx[fits]]
            if not fits.all():
                wrapped.append(idx[~fits])
        if wrapped:
            rest = np.concatenate(wrapped)
            _, slots = self._place(k[rest])
            self._vals[slots] = v[rest]

    @classmethod
    def from_keys(cls, keys: np.ndarray, *, max_keys: int | None = None) -> KeyIndex:
        """Rebuild from keys in insertion order (as returned by ``keys()``)."""
        index = cls(capacity=len(keys), max_keys=max_keys)
        index.add(np.asarray(keys, dtype=np.uint64))
        return index
