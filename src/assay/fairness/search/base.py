"""What every IDI search shares: the ledger of evaluated classes, start points, budgets.

An IDI (individual discriminatory instance) is counted once per *class*: the set of inputs
that differ only in their protected attributes.  The ledger keeps the key of every class
evaluated so far, so that no class is ever paid for twice.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from assay.core.checkpoint import Snapshot
from assay.core.findings import FindingBatch
from assay.core.hashset import KeyIndex
from assay.core.model import Capabilities, ModelInputs
from assay.core.rng import generator
from assay.errors import UsageError
from assay.fairness.oracle import Oracle, PendingVerdicts, Verdicts
from assay.fairness.schema import Schema
from assay.fairness.search.keyset import ClassSet

__all__ = ["BaseSearch", "Ledger", "SearchModel", "Starts", "default_seen_memory"]

Sampler = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]
"""Draws ``n`` rows and their origins (row index in the data, or -1)."""

_KEY_LAYOUT = 2  # class keys: 2, fewest-valued features in the lowest digits; 1, feature order
_INITIAL_ROOM = 1 << 21
_SEEN_SHARE_OF_RAM = 0.3
_FILL_SHARE = 0.125  # a round that admitted less than this share of its capacity is topped up
_FILL_DRAWS = 64  # ... with up to this many uniform samples per class missing
FILL_SPACE = 1 << 20  # ... or the whole space's size in samples, when the space is this small
_RESERVE_AFTER = (1.0, 4.0, 12.0, 36.0, 108.0, 324.0)  # seconds of search after which a
# timed run reserves room ...
_RESERVE_SHARE = 0.9  # ... for this share of the classes its rate would evaluate (``_reserve``)
_RESERVE_HORIZON = 60.0  # ... in the next max(this, 3 x the seconds searched so far)


def default_seen_memory() -> int:
    """Bytes the set of evaluated classes may take: 30 % of the machine's memory."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        total = 16 << 30
    return int(total * _SEEN_SHARE_OF_RAM)


class SearchModel(Protocol):
    """The budgeted, encoded-space model a search runs on (``BudgetedModel`` or a view)."""

    capabilities: Capabilities

    def predict(self, inputs: ModelInputs, /) -> np.ndarray: ...

    def remaining(self) -> int | None: ...

    @property
    def queries(self) -> int: ...

    @property
    def model_seconds(self) -> float: ...

    @property
    def elapsed(self) -> float: ...


class Ledger:
    """Classes evaluated so far (keys and verdicts) and the counters a summary reports.

    Classes are admitted in batches (``admit``) and settled in the same order (``settle``) once
    their model call has answered: a search may admit the next batch while the last one is
    still with the model.  Snapshots hold settled classes only.
    """

    def __init__(
        self, n_features: int, *, capacity: int = 1 << 14, max_keys: int | None = None
    ) -> None:
        self.max_keys = max_keys  # the search's bound on the classes it admits
        self.seen = ClassSet(capacity=capacity, max_keys=max_keys)
        self._log_keys: list[np.ndarray] = []
        self._log_disc: list[np.ndarray] = []
        self._open: deque[tuple[int, np.ndarray]] = deque()  # (first index, keys) per batch
        self._last_open = False  # whether the last admit let a batch in
        self._truncate_to: int | None = None
        self.generated = 0
        self.idis = 0
        self.queries = 0
        self.model_seconds = 0.0
        self.seconds = 0.0
        self.first_100: float | None = None
        self.feature_changes = np.zeros(n_features, dtype=np.int64)

    @property
    def admitted(self) -> int:
        """Classes admitted so far, those still being evaluated included.

        Searches size their rounds by this count, not by ``generated``: it does not depend on
        when the answers of a round in flight are read.
        """
        return len(self.seen) if self._truncate_to is None else self._truncate_to

    @property
    def unsettled(self) -> int:
        """Batches admitted whose verdicts are not recorded yet."""
        return len(self._open)

    def admit(self, keys: np.ndarray, limit: int, *, more: bool = False) -> np.ndarray:
        """Positions of the keys never seen before (first occurrence only), at most ``limit``.

        The admitted keys are marked as seen.  A non-empty batch must be evaluated: its
        verdicts are recorded by ``settle``, batches in the order they were admitted (or it
        is undone by ``forget_last``).  ``more``: the keys join the batch the last admit let
        in (evaluated by the same model call, after it), if it let one in.
        """
        if limit <= 0 or not len(keys):
            self._last_open = self._last_open and more
            return np.zeros(0, dtype=np.int64)
        self._repair()
        start = len(self.seen)
        if limit >= len(keys):
            idx = np.flatnonzero(self.seen.add(keys))
        else:
            cand = np.flatnonzero(~self.seen.contains(keys))
            _, first = np.unique(keys[cand], return_index=True)
            idx = cand[np.sort(first)][:limit]
            self.seen.add(keys[idx])
        if more and self._last_open and len(idx):  # the same batch, grown
            begin, before = self._open.pop()
            self._open.append((begin, np.concatenate([before, keys[idx]])))
        elif len(idx):  # a batch to evaluate: settled (or forgotten) later, in order
            self._open.append((start, keys[idx]))
        self._last_open = bool(len(idx)) or (more and self._last_open)
        return idx

    def reserve(self, n: int) -> None:
        """Make room for ``n`` classes in all (growing the set copies all of it); the larger
        table is made on a background thread while the search goes on."""
        self._repair()
        self.seen.reserve(n, ahead=True)

    def forget_last(self) -> None:
        """Undo the last ``admit``, if it let a batch in (its evaluation could not start).

        The in-memory set is repaired only if the search goes on (it usually ends: the budget
        is spent).
        """
        if self._open and self._last_open:
            self._forget_from(self._open.pop()[0])
        self._last_open = False

    def forget_unsettled(self) -> None:
        """Undo every admitted batch not settled yet (their evaluation failed)."""
        if self._open:
            self._forget_from(self._open[0][0])
            self._open.clear()
        self._last_open = False

    def _forget_from(self, start: int) -> None:
        self._truncate_to = start if self._truncate_to is None else min(start, self._truncate_to)

    def _repair(self) -> None:
        if self._truncate_to is not None:
            self.seen.truncate(self._truncate_to)
            self._truncate_to = None

    def settle(self, disc: np.ndarray) -> None:
        """Record the verdicts of the oldest unsettled batch (in its order)."""
        disc = np.asarray(disc, dtype=bool)
        if not self._open:
            raise RuntimeError("verdicts for classes that were not admitted")
        start, keys = self._open.popleft()
        self._last_open = self._last_open and bool(self._open)  # the last batch: settled
        if len(keys) != len(disc):
            raise ValueError(f"{len(disc)} verdicts for a batch of {len(keys)} classes")
        self.seen.set_verdicts(start, disc)
        self._log_keys.append(keys)
        self._log_disc.append(disc)
        self.generated += len(disc)
        self.idis += int(np.count_nonzero(disc))

    def known(self, keys: np.ndarray) -> np.ndarray:
        """-1 for unseen classes, else 0/1: whether the class was found discriminatory."""
        self._repair()
        return self.seen.verdicts(keys)

    # -- checkpoints ---------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        if self._open:
            raise RuntimeError("snapshot with classes still being evaluated: flush first")
        snap = Snapshot(
            values={
                "generated": self.generated,
                "idis": self.idis,
                "queries": self.queries,
                "model_seconds": self.model_seconds,
                "seconds": self.seconds,
                "first_100": self.first_100,
            },
            arrays={"feature_changes": self.feature_changes.copy()},
        )
        keys = np.concatenate(self._log_keys) if self._log_keys else np.zeros(0, np.uint64)
        disc = np.concatenate(self._log_disc) if self._log_disc else np.zeros(0, bool)
        keys = keys.astype(np.uint64, copy=False)
        # the classes found discriminatory and the others, each as a set: the store sorts
        # it (on the thread that writes the checkpoint), keeps it as the gaps between
        # neighbours (about 2.5 bytes a class rather than 8) and merges its chunks as they
        # accumulate (``core.setstate``); the order of insertion does not matter to a set
        snap.sets = {"idi_keys": keys[disc], "clean_keys": keys[~disc]}
        self._log_keys, self._log_disc = [], []
        return snap

    def restore(
        self, snap: Snapshot, rekey: Callable[[np.ndarray], np.ndarray] | None = None
    ) -> None:
        """``rekey``: maps stored keys to the keys classes have now (older snapshots)."""
        v = snap.values
        a = snap.appends
        # "keys" and "disc" (in the order evaluated): snapshots made by assay before sorted
        # sets; sorted sets as appends: before the store merged them
        parts = [np.asarray(a.get("keys", np.zeros(0)), dtype=np.uint64)]
        flags = [np.asarray(a.get("disc", np.zeros(0)), dtype=bool)]
        for where in (a, snap.sets):
            for name, found in (("idi_keys", True), ("clean_keys", False)):
                part = np.asarray(where.get(name, np.zeros(0)), dtype=np.uint64)
                parts.append(part)
                flags.append(np.full(len(part), found))
        keys, disc = np.concatenate(parts), np.concatenate(flags)
        if rekey is not None:
            keys = rekey(keys)
        self.seen = ClassSet(capacity=len(keys), max_keys=self.max_keys)
        self.seen.add(keys)
        self.seen.set_verdicts(0, disc)
        self._log_keys, self._log_disc = [], []
        self._open.clear()
        self._truncate_to = None
        self._last_open = False
        self.generated = int(v.get("generated", len(keys)))
        self.idis = int(v.get("idis", 0))
        self.queries = int(v.get("queries", 0))
        self.model_seconds = float(v.get("model_seconds", 0.0))
        self.seconds = float(v.get("seconds", 0.0))
        first = v.get("first_100")
        self.first_100 = None if first is None else float(first)
        fc = snap.arrays.get("feature_changes")
        if fc is not None:
            self.feature_changes = np.asarray(fc, dtype=np.int64).copy()


class Starts:
    """Where searches start: real rows (encoded) when given, else uniform samples.

    With data, real rows are drawn without replacement in a fixed random order; once all
    were drawn, ``sample`` returns real rows with one to three features replaced by values
    of other real rows (draws from the marginals), keeping inputs realistic.
    """

    def __init__(
        self, schema: Schema, data: np.ndarray | None, start: str, rng: np.random.Generator
    ) -> None:
        if start not in ("auto", "data", "uniform"):
            raise UsageError(f"must be auto, data or uniform, not {start!r}", argument="--start")
        if start == "data" and (data is None or not len(data)):
            raise UsageError("starting from data needs data rows", argument="--start")
        self.schema = schema
        use_data = data is not None and len(data) > 0 and start != "uniform"
        self.distribution = "data" if use_data else "uniform"
        self.data: np.ndarray | None = None
        if use_data:
            assert data is not None
            rows = np.asarray(data, dtype=np.float64)
            if rows.ndim != 2 or rows.shape[1] != len(schema):
                raise UsageError(
                    f"data has shape {rows.shape}; the schema has {len(schema)} features",
                    argument="--data",
                )
            self.data = schema.clip(rows)
        self.seed = int(rng.integers(2**63))
        self.cursor = 0
        self._order: np.ndarray | None = None

    @property
    def n_rows(self) -> int:
        return 0 if self.data is None else len(self.data)

    @property
    def exhausted(self) -> bool:
        """True once every real row was drawn (always False for uniform sampling)."""
        return self.data is not None and self.cursor >= len(self.data)

    def _perm(self) -> np.ndarray:
        if self._order is None:
            self._order = generator(self.seed).permutation(self.n_rows)
        return self._order

    def real(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``n`` real rows not drawn before, and their row indices."""
        assert self.data is not None
        idx = self._perm()[self.cursor : self.cursor + n]
        self.cursor += len(idx)
        return np.take(self.data, idx, axis=0), idx.astype(np.int64)

    def sample(self, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        """``n`` start rows and their origin (row index, or -1 for uniform samples)."""
        if self.data is None:
            return self.schema.sample_uniform(rng, n), np.full(n, -1, dtype=np.int64)
        rows, origin = self.real(n)
        if len(rows) == n:
            return rows, origin
        m = n - len(rows)
        base = rng.integers(self.n_rows, size=m)
        extra = np.take(self.data, base, axis=0)
        d = len(self.schema)
        k = rng.integers(1, 4, size=m)
        for r in range(3):
            pick = np.flatnonzero(k > r)
            cols = rng.integers(d, size=len(pick))
            donors = rng.integers(self.n_rows, size=len(pick))
            extra[pick, cols] = self.data[donors, cols]
        return np.concatenate([rows, extra]), np.concatenate([origin, base.astype(np.int64)])

    def n_changed(self, rows: np.ndarray, origin: np.ndarray, protected: np.ndarray) -> np.ndarray:
        """Non-protected features where each row differs from its origin row (-1: none)."""
        if self.data is None or not len(rows):
            return np.full(len(rows), -1, dtype=np.int64)
        base = np.take(self.data, np.maximum(origin, 0), axis=0)
        out = np.zeros(len(rows), dtype=np.int64)
        step = max(1, (1 << 22) // max(rows.shape[1], 1))  # rows compared at a time
        for i in range(0, len(rows), step):
            differ = rows[i : i + step] != base[i : i + step]
            differ[:, protected] = False
            out[i : i + step] = np.count_nonzero(differ, axis=1)
        out[origin < 0] = -1
        return out

    def snapshot(self) -> dict[str, Any]:
        return {"seed": self.seed, "cursor": self.cursor}

    def restore(self, values: dict[str, Any]) -> None:
        self.seed = int(values.get("seed", self.seed))
        self.cursor = int(values.get("cursor", 0))
        self._order = None


class BaseSearch:
    """The shared part of every strategy: budget sizing, evaluation, findings, summary.

    Subclasses implement ``_round(capacity)``: one round evaluating at most ``capacity``
    new classes, returning the findings.
    """

    strategy = "base"

    def __init__(
        self,
        *,
        schema: Schema,
        model: SearchModel,
        rng: np.random.Generator,
        threshold: float | None = None,
        data: np.ndarray | None = None,
        start: str = "auto",
        batch_size: int = 8192,
        seen_memory: int | None = None,
    ) -> None:
        if batch_size < 1:
            raise UsageError(f"must be at least 1, not {batch_size}", argument="--batch-size")
        if seen_memory is not None and seen_memory < 1 << 16:
            raise UsageError(
                f"must be at least 65536 bytes, not {seen_memory}", argument="seen_memory"
            )
        self.schema = schema
        self.model = model
        self.rng = rng
        self.oracle = Oracle(schema, model, threshold=threshold)
        self.K = self.oracle.K
        self.per_class = self.K  # queries per class evaluated (fewer when variants are ranked)
        self.free = self.oracle.free
        self.batch_size = int(batch_size)
        self.starts = Starts(schema, data, start, rng)
        self.space = _space_size(schema, self.free)
        # every class evaluated is remembered (so none is paid twice): past this many, the
        # search ends (stop reason "memory") rather than exhaust the machine
        budget = default_seen_memory() if seen_memory is None else int(seen_memory)
        self.max_classes = KeyIndex.max_keys_within(budget, extra_per_key=2.0)
        self.ledger = Ledger(
            len(schema), capacity=self._expected_classes(), max_keys=self.max_classes
        )
        self.phase = "global"
        self._finished = False
        self._empty_rounds = 0
        self._t0 = 0.0
        self._model_mark = model.model_seconds
        self._reserved: list[tuple[float, int]] = []  # (seconds, classes) at each reserve

    def _expected_classes(self) -> int:
        """Room to reserve in the ledger: growing a large key set is costly, so a search
        without a query budget starts with room for two million classes."""
        left = self.model.remaining()
        expect = _INITIAL_ROOM if left is None else left // self.per_class
        if self.space is not None:
            expect = min(expect, self.space)
        expect = min(expect, self.max_classes)
        return max(1 << 10, min(expect, _INITIAL_ROOM))

    # -- Search protocol -----------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._finished or self.capacity() == 0

    def capacity(self) -> int:
        """How many new classes the budget still pays for (each costs ``per_class``
        queries: K, or fewer for a search that queries only some variants)."""
        cap = self.batch_size
        left = self.model.remaining()
        if left is not None:
            cap = min(cap, left // self.per_class)
        if self.space is not None:
            cap = min(cap, max(self.space - self.ledger.admitted, 0))
        return min(cap, max(self.max_classes - self.ledger.admitted, 0))

    @property
    def stop_reason(self) -> str | None:
        """Why a search that is ``done`` stopped before its budget: "memory" when the set of
        evaluated classes reached ``max_classes``; "space covered" when every class of a
        small space was evaluated; "no new inputs" when 200 rounds in a row proposed only
        classes evaluated before (the strategy ran out of inputs); else None."""
        if self.ledger.admitted >= self.max_classes:
            return "memory"
        if self.space is not None and self.ledger.admitted >= self.space:
            if self.per_class < self.K:  # (ranked variants: not every value was compared)
                return (
                    f"space covered, each input compared with {self.per_class - 1} of the "
                    f"{self.K - 1} other protected values"
                )
            return "space covered"
        if self._finished:
            return "no new inputs"
        return None

    def step(self) -> list[FindingBatch]:
        if self.done:
            return []
        t0 = self._t0 = self.model.elapsed
        before = self.ledger.admitted
        try:
            found = self._round(self.capacity())
        finally:
            self.ledger.seconds += self.model.elapsed - t0
        done = len(self._reserved)
        if done < len(_RESERVE_AFTER) and self.ledger.seconds >= _RESERVE_AFTER[done]:
            self._reserve()
        if self.ledger.admitted == before:
            self._empty_rounds += 1
            if self._empty_rounds >= 200:
                self._finished = True  # nothing new to evaluate could be found
        else:
            self._empty_rounds = 0
        return [b for b in found if len(b)]

    def _round(self, capacity: int) -> list[FindingBatch]:
        raise NotImplementedError

    def _reserve(self) -> None:
        """After the first second of search in a run with a time budget, and again after
        four and twelve: room in the set of evaluated classes for nine tenths of those the
        rate evaluates in the time left (within ``max_classes`` and the query budget), in
        one grow while the set is small.  Doubling as it fills copies the whole set each
        time while the search waits (2 s at 11 M classes: about a tenth of a one-minute
        run).  The first second's rate (small first rounds, compiled loops not loaded yet)
        is below the later one: later, the rate since the last reservation.  What the
        search finds is unchanged.

        The room covers at most the next ``max(_RESERVE_HORIZON, 3 x seconds)`` (then again
        at 36, 108 and 324 s): a ten-minute run reserved its whole memory bound (6.6 GB on
        a 24 GB machine) after one second, touching every page of it before the search
        went on (56 s on a machine whose page faults are slow) and holding it even when
        interrupted at once.  A one-minute run reserves as before."""
        led = self.ledger
        seconds, admitted = led.seconds, led.admitted
        since = self._reserved[-1] if self._reserved else (0.0, 0)
        self._reserved.append((seconds, admitted))
        left = _time_left(self.model)
        if left is None or seconds <= since[0]:
            return
        rate = (admitted - since[1]) / (seconds - since[0])
        horizon = min(left, max(_RESERVE_HORIZON, 3.0 * seconds))
        expect = admitted + _RESERVE_SHARE * horizon * rate
        queries = self.model.remaining()
        if queries is not None:
            expect = min(expect, admitted + queries // self.per_class)
        led.reserve(int(min(expect, self.max_classes)))

    def _top_up(
        self, admitted: int, capacity: int, draw: Sampler | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows (and origins) of new classes to evaluate with a round that admitted only
        ``admitted`` of its ``capacity`` (its proposals were mostly classes evaluated before,
        as in a small space nearly covered), admitted into the round's batch
        (``Ledger.admit(more=True)``) so that the model is asked in batches rather than one
        class at a time.  Nothing for a round at least one eighth full.

        Samples come from ``draw`` (default: the global samples, ``Starts.sample``), a few
        dozen per class missing (fewer when a batch of them gives less than one new class in
        ``_FILL_DRAWS``); then uniform samples of the schema's space, for a space nearly
        covered up to about one per class of the space."""
        need = capacity - admitted
        d = len(self.schema)
        if admitted >= _FILL_SHARE * capacity or need <= 0:
            return np.zeros((0, d)), np.zeros(0, dtype=np.int64)
        draw = draw or self.starts.sample
        usual = _FILL_DRAWS * need
        limit = max(usual, min(self.space or 0, FILL_SPACE))
        rows_out: list[np.ndarray] = []
        origin_out: list[np.ndarray] = []
        drawn, size, fruitful = 0, max(8 * need, 256), True
        while need > 0 and drawn < limit:
            m = min(size, limit - drawn)
            from_draw = fruitful and drawn < usual
            if from_draw:
                rows, origin = draw(self.rng, m)
            else:
                rows = self.schema.sample_uniform(self.rng, m)
                origin = np.full(m, -1, dtype=np.int64)
            keep = self.ledger.admit(self.oracle.class_keys(rows), need, more=True)
            # fewer than one new class in _FILL_DRAWS draws: the source is nearly covered
            fruitful = fruitful and not (from_draw and len(keep) * 8 < m)
            rows_out.append(rows[keep])
            origin_out.append(origin[keep])
            need -= len(keep)
            drawn, size = drawn + m, 2 * size
        return np.concatenate(rows_out), np.concatenate(origin_out)

    # -- evaluation ----------------------------------------------------------------------
    def evaluate(self, rows: np.ndarray) -> Verdicts:
        """Evaluate admitted rows (one model call) and record their verdicts."""
        return self.land(self.launch(rows))

    def launch(self, rows: np.ndarray, combos: np.ndarray | None = None) -> PendingVerdicts:
        """Submit the model call for the rows ``admit`` just let in; ``land`` reads it.

        Queries are counted now; with a background caller the answer comes later.
        ``combos``: the protected combinations to query per row (default: all K).
        """
        if self.ledger.unsettled <= 1:  # nothing else with the model: start timing here
            self._model_mark = self.model.model_seconds
        q0 = self.model.queries
        try:
            # the ledger admitted only classes never evaluated: the model's cache can't help
            pending = self.oracle.submit(rows, fresh=True, combos=combos)
        except BaseException:
            self.ledger.forget_last()
            raise
        self.ledger.queries += self.model.queries - q0
        return pending

    def land(self, pending: PendingVerdicts) -> Verdicts:
        """Wait for the verdicts of the oldest launched batch and record them."""
        try:
            verdicts = pending.result()
        except BaseException:
            self.ledger.forget_unsettled()
            raise
        seconds = self.model.model_seconds
        self.ledger.model_seconds += seconds - self._model_mark
        self._model_mark = seconds
        self.ledger.settle(verdicts.discriminatory)
        return verdicts

    def flush(self) -> list[FindingBatch]:
        """Finish any round still with the model and return its findings (before a
        snapshot, and when the search ends early).  Searches that never leave a round in
        flight have nothing to do."""
        return []

    def report(
        self,
        verdicts: Verdicts,
        mutated: np.ndarray,
        origin: np.ndarray,
        rows: np.ndarray | None = None,
        changed: np.ndarray | None = None,
    ) -> FindingBatch | None:
        """Findings for the discriminatory rows of ``verdicts`` (all new classes).

        ``rows``: the evaluated rows (as given to ``evaluate``), to save a gather;
        ``changed``: features changed from each row's origin, when the caller tracks it.
        """
        disc = verdicts.discriminatory
        if not disc.any():
            return None
        led = self.ledger
        if led.first_100 is None and led.idis >= 100:
            # the search's wall clock from its start (its model's: earlier sessions' too), not
            # its rounds' seconds alone (the work between rounds is the search's too)
            led.first_100 = max(self.model.elapsed, led.seconds + (self.model.elapsed - self._t0))
        mut = mutated[disc]
        led.feature_changes += np.bincount(mut[mut >= 0], minlength=len(led.feature_changes))
        org = origin[disc]
        if changed is None:
            found = verdicts.inputs[disc, 0] if rows is None else rows[disc]
            changed = self.starts.n_changed(found, org, self.oracle.protected)
        else:
            changed = changed[disc]
        return self.oracle.findings(verdicts, disc, mutated=mut, origin=org, n_changed=changed)

    # -- reporting -----------------------------------------------------------------------
    def progress(self) -> dict[str, Any]:
        led = self.ledger
        return {
            "phase": self.phase,
            "idis": led.idis,
            "generated": led.generated,
            "queries": led.queries,
        }

    def parameters(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size, "max_classes": self.max_classes}

    def summary(self) -> dict[str, Any]:
        led = self.ledger
        return {
            "strategy": self.strategy,
            "distribution": self.starts.distribution,
            "idis": led.idis,
            "generated": led.generated,
            "success_rate": led.idis / led.generated if led.generated else 0.0,
            "idis_per_1000_queries": 1000 * led.idis / led.queries if led.queries else 0.0,
            "idis_per_second": led.idis / led.seconds if led.seconds > 0 else 0.0,
            "seconds_to_first_100": led.first_100,
            "feature_changes": {
                self.schema.names[j]: int(c) for j, c in enumerate(led.feature_changes) if c
            },
            "queries": led.queries,
            "model_seconds": led.model_seconds,
            "seconds": led.seconds,
            "protected_combinations": self.K,
            "parameters": self.parameters(),
        }

    # -- checkpoints ---------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        snap = self.ledger.snapshot().prefixed("ledger.")
        snap.values["starts"] = self.starts.snapshot()
        snap.values["phase"] = self.phase
        snap.values["finished"] = self._finished
        snap.values["empty_rounds"] = self._empty_rounds
        snap.values["key_layout"] = _KEY_LAYOUT
        own = self._state()
        snap.values.update({f"own.{k}": v for k, v in own.values.items()})
        snap.arrays.update({f"own.{k}": v for k, v in own.arrays.items()})
        return snap

    def restore(self, snapshot: Snapshot) -> None:
        v = snapshot.values
        # snapshots without a key layout were made with the digits in feature order
        old = int(v.get("key_layout", 1)) < _KEY_LAYOUT
        rekey = self.oracle.from_feature_order if old else None
        self.ledger.restore(snapshot.unprefixed("ledger."), rekey=rekey)
        self.starts.restore(v.get("starts", {}))
        self.phase = str(v.get("phase", "global"))
        self._finished = bool(v.get("finished", False))
        self._empty_rounds = int(v.get("empty_rounds", 0))
        self._set_state(snapshot.unprefixed("own."))

    def _state(self) -> Snapshot:
        return Snapshot()

    def _set_state(self, snap: Snapshot) -> None:
        return None


def _time_left(model: Any) -> float | None:
    """Seconds left to a budgeted model or a phase of one (None without a time limit)."""
    lefts: list[float] = []
    time_left = getattr(model, "time_left", None)
    if callable(time_left):
        own = time_left()
        if own is not None:
            lefts.append(float(own))
    until = getattr(model, "until_time", None)
    if until is not None:
        lefts.append(float(until) - float(model.elapsed))
    parent = getattr(model, "parent", None)
    if parent is not None:
        theirs = _time_left(parent)
        if theirs is not None:
            lefts.append(theirs)
    return max(min(lefts), 0.0) if lefts else None


def _space_size(schema: Schema, free: np.ndarray) -> int | None:
    """Number of classes (non-protected value combinations), when discrete and small."""
    if not schema.discrete[free].all():
        return None
    total = 1
    for j in free:
        total *= int(schema.highs[j] - schema.lows[j]) + 1
        if total > 2**62:
            return None
    return total
