"""The only model a technique ever sees: counts queries, caches answers, enforces budgets."""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable

import numpy as np

from assay.core.calls import Call, Caller, InlineCaller, StopRequest, WatchedCaller
from assay.core.checkpoint import Snapshot
from assay.core.hashset import KeyIndex
from assay.core.keys import input_keys
from assay.core.model import Capabilities, Model, ModelInputs
from assay.core.stopping import StopEvent, StopHeard
from assay.errors import BudgetExhausted, UsageError

__all__ = ["LONGEST_SECONDS", "BudgetedModel", "check_budget", "time_after_loading"]

MAX_SEED = 2**63 - 1
LONGEST_SECONDS = 1e9
"""The longest ``--max-time``, ``--call-timeout`` or served ``--timeout`` (31 years): the
system's timers and sockets take 9.2e9 s at most (``--max-time 1e23`` was exit 5,
"timestamp out of range for platform time_t")."""


def _number(value: object, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UsageError(f"must be a number, not {value!r}", argument=argument)
    if not math.isfinite(value):
        raise UsageError(f"must be a finite number, not {value}", argument=argument)
    return float(value)


def time_after_loading(max_time: float | None, started: float) -> float | None:
    """The time budget left for the search once loading (from ``started``, a
    ``time.monotonic()``) is counted; a usage error, before a run exists, when loading took
    (nearly) all of it: the first call would then time out and read as a model failure."""
    if max_time is None:
        return None
    spent = time.monotonic() - started
    left = max_time - spent
    if left <= 0.1 * max_time:
        raise UsageError(
            f"loading took {spent:.1f} s of the {max_time:g} s time budget, leaving too little "
            "to test anything; raise --max-time",
            argument="--max-time",
        )
    return left


def check_budget(
    *,
    max_queries: int | None = None,
    max_time: float | None = None,
    call_timeout: float | None = None,
    seed: int | None = None,
) -> None:
    """Raise ``UsageError`` for a budget, deadline or seed that cannot mean what it says
    (zero or negative, NaN, infinite, a seed outside 0 .. 2**63 - 1)."""
    if max_queries is not None:
        if isinstance(max_queries, bool | np.bool_) or not isinstance(
            max_queries, numbers.Integral
        ):
            raise UsageError(
                f"must be a whole number, not {max_queries!r}", argument="--max-queries"
            )
        if max_queries < 1:
            raise UsageError(f"must be at least 1, not {max_queries}", argument="--max-queries")
    for value, argument in ((max_time, "--max-time"), (call_timeout, "--call-timeout")):
        if value is not None and not 0 < _number(value, argument) <= LONGEST_SECONDS:
            raise UsageError(
                f"must be a positive number of seconds, at most {LONGEST_SECONDS:.0e}, not {value}",
                argument=argument,
            )
    # a NumPy integer is a seed too (``for seed in np.arange(5)`` in a notebook); a bool,
    # a float or a string is not (``seed=1.0`` may be a typo for something else)
    if seed is not None and (
        isinstance(seed, bool | np.bool_)
        or not isinstance(seed, numbers.Integral)
        or not 0 <= int(seed) <= MAX_SEED
    ):
        raise UsageError(
            f"must be a whole number from 0 to {MAX_SEED}, not {seed!r}", argument="--seed"
        )


def _then(answer: np.ndarray, then: Callable[[np.ndarray], None]) -> np.ndarray:
    then(answer)
    return answer


def _take(inputs: ModelInputs, idx: np.ndarray) -> ModelInputs:
    if isinstance(inputs, np.ndarray):
        out: np.ndarray = inputs[idx]
        return out
    return [inputs[int(i)] for i in idx]


class BudgetedModel:
    """Wraps a model; counts the inputs it answers, caches answers, enforces budgets.

    - ``queries``: inputs the wrapped model actually answered (what the budget counts).
    - ``requests``: inputs asked for, cache hits included.
    - A batch whose new inputs would exceed ``max_queries`` raises ``BudgetExhausted`` before
      anything is asked; techniques size their batches with ``remaining()``.
    - After ``max_time`` seconds of run time (carried across resumes), ``predict`` raises
      ``BudgetExhausted``.
    - The cache holds up to ``cache_size`` answers (keys are 64-bit hashes of the inputs);
      beyond that, new inputs are answered and counted but not cached.
    - Every call to the wrapped model goes through ``caller`` (default: at once, in this
      thread); ``submit_fresh`` returns before the answer is there when the caller runs calls
      in the background.  Queries are counted, and budgets checked, when a call is submitted.
    - ``model_seconds``: time spent inside the wrapped model's ``predict``.
    """

    def __init__(
        self,
        model: Model,
        *,
        max_queries: int | None = None,
        max_time: float | None = None,
        cache_size: int = 1_000_000,
        clock: Callable[[], float] = time.monotonic,
        caller: Caller | None = None,
        call_timeout: float | None = None,
        stop: StopRequest | None = None,
        heed: StopEvent | None = None,
    ) -> None:
        check_budget(max_queries=max_queries, max_time=max_time, call_timeout=call_timeout)
        if cache_size < 0:
            raise UsageError(f"cache_size must be >= 0, not {cache_size}")
        self.model = model
        self.capabilities: Capabilities = model.capabilities
        self.max_queries = max_queries
        self.max_time = max_time
        # the caller's stop= (``core.stopping``), heard before each call by the phases after
        # a search (its answer, checks, retraining): ``StopHeard``
        self.heed = heed
        self.cache_size = cache_size
        self._clock = clock
        self._caller: Caller = InlineCaller() if caller is None else caller
        self.answered = 0  # calls the model answered (in this run, resumes included)
        if call_timeout is not None or stop is not None or max_time is not None:
            # every call gets a deadline, and a stop request ends the wait for it
            self._caller = WatchedCaller(
                self._caller,
                call_timeout=call_timeout,
                time_left=self.time_left,
                stop=stop,
                answered=lambda: self.answered,
            )
        self._started = clock()
        self._elapsed_before = 0.0
        self.queries = 0
        self.requests = 0
        self.model_seconds = 0.0
        self._index = KeyIndex(capacity=min(cache_size, 4096) or 16)
        self._values: np.ndarray | None = None
        self._logged = 0

    # -- budgets -------------------------------------------------------------------------
    @property
    def elapsed(self) -> float:
        """Run time in seconds, including time before a resume."""
        return self._elapsed_before + (self._clock() - self._started)

    def remaining(self) -> int | None:
        """Queries left, or None when there is no query budget."""
        if self.max_queries is None:
            return None
        return max(self.max_queries - self.queries, 0)

    def time_left(self) -> float | None:
        if self.max_time is None:
            return None
        return max(self.max_time - self.elapsed, 0.0)

    def exhausted(self) -> str | None:
        """'queries' or 'time' when that budget is spent, else None."""
        if self.max_queries is not None and self.queries >= self.max_queries:
            return "queries"
        if self.max_time is not None and self.elapsed >= self.max_time:
            return "time"
        return None

    # -- predict -------------------------------------------------------------------------
    def predict(self, inputs: ModelInputs, /, *, keys: np.ndarray | None = None) -> np.ndarray:
        """The model's answers, from the cache where it has them.  ``keys``: the inputs'
        ``input_keys``, when the caller has them already (not computed again)."""
        n = len(inputs)
        self._may_ask()
        if not self.cache_size:
            keys = None
        elif keys is None:
            keys = input_keys(inputs)
        if keys is None:
            self._charge(n)
            self.requests += n
            return self._ask(inputs)
        idx = self._index.lookup(keys)
        if n and self._values is not None and int(idx.min()) >= 0:
            # every answer cached (a search looking up what it asked before): no call
            self._charge(0)
            self.requests += n
            cached_all: np.ndarray = self._values[idx]
            return cached_all
        miss = np.flatnonzero(idx < 0)
        # repeated inputs within the batch are asked once
        miss_keys = keys[miss]
        uniq_keys, first, inverse = np.unique(miss_keys, return_index=True, return_inverse=True)
        self._charge(len(uniq_keys))
        self.requests += n
        if len(uniq_keys) == n and n:
            fresh = self._ask(inputs)
            self._remember(keys, fresh)
            return fresh
        out: np.ndarray | None = None
        if len(uniq_keys):
            asked = miss[first]
            fresh = self._ask(_take(inputs, asked))
            out = np.empty((n, *fresh.shape[1:]), dtype=fresh.dtype)
            out[miss] = fresh[inverse]
            self._remember(uniq_keys, fresh)
        hit = idx >= 0
        if hit.any():
            assert self._values is not None
            cached = self._values[idx[hit]]
            if out is None:
                out = np.empty((n, *cached.shape[1:]), dtype=cached.dtype)
            out[hit] = cached
        if out is None:
            return np.zeros(0)
        return out

    def predict_new(self, inputs: ModelInputs, keys: np.ndarray, /) -> np.ndarray:
        """``predict`` for inputs the caller guarantees were never asked before in this run
        and are all different, with their ``input_keys``: counted, budgeted and remembered
        in the cache like ``predict``'s, without looking them up first."""
        n = len(inputs)
        self._may_ask()
        self._charge(n)
        self.requests += n
        fresh = self._ask(inputs)
        if self.cache_size and n:
            self._remember(keys, fresh)
        return fresh

    def submit_new(self, inputs: ModelInputs, keys: np.ndarray, /) -> Call:
        """``predict_new`` through the caller: the answer may still be on its way (read it
        with ``result()``, then hand it to ``remember`` with the same ``keys`` so that the
        cache holds it).  Counted and budgeted when submitted."""
        del keys  # remembered by the caller once read (the cache is not thread-safe)
        self._may_ask()
        self._charge(len(inputs))
        self.requests += len(inputs)
        # a model that answers elsewhere (a worker process) takes the batch now, from this
        # thread; the call then only collects the answer
        early = getattr(self.model, "send_early", None)
        if callable(early):
            early(inputs)
        return self._caller.submit(lambda: self._call(inputs))

    def remember(self, keys: np.ndarray, values: np.ndarray) -> None:
        """Put answers read from a ``submit_new`` call into the cache."""
        if self.cache_size and len(keys):
            self._remember(keys, values)

    def predict_fresh(self, inputs: ModelInputs, /) -> np.ndarray:
        """Answer inputs the caller guarantees were never asked before in this run.

        Counted and budgeted like ``predict``, but the cache is neither searched nor filled:
        a search that keeps its own record of what it asked (so never pays twice) saves the
        cost of hashing every input.
        """
        return self.submit_fresh(inputs).result()

    def submit_fresh(
        self, inputs: ModelInputs, /, *, then: Callable[[np.ndarray], None] | None = None
    ) -> Call:
        """``predict_fresh`` through the caller: the answer may still be on its way.

        ``then``: called with the answer where the call ran, before ``result()`` returns it
        (with a background caller, work that needs only the answer leaves the submitting
        thread); an exception it raises is what ``result()`` raises.  Not timed as the
        model's (``model_seconds``)."""
        self._may_ask()
        self._charge(len(inputs))
        self.requests += len(inputs)
        if then is None:
            return self._caller.submit(lambda: self._call(inputs))
        return self._caller.submit(lambda: _then(self._call(inputs), then))

    def _may_ask(self) -> None:
        """Before a call: the caller's stop (``heed``) not set, the time budget not spent."""
        if self.heed is not None and self.heed.is_set():
            raise StopHeard()
        if self.max_time is not None and self.elapsed >= self.max_time:
            raise BudgetExhausted(f"time budget of {self.max_time:g} s spent", reason="time")

    def _charge(self, n: int) -> None:
        if self.max_queries is not None and self.queries + n > self.max_queries:
            raise BudgetExhausted(
                f"query budget of {self.max_queries:,} spent "
                f"({self.queries:,} used, {n:,} more asked)",
                reason="queries",
            )
        self.queries += n

    def _ask(self, inputs: ModelInputs) -> np.ndarray:
        return self._caller.submit(lambda: self._call(inputs)).result()

    def _call(self, inputs: ModelInputs) -> np.ndarray:
        """The call itself (on the caller's thread)."""
        limit = self.capabilities.max_batch
        t0 = time.perf_counter()
        # a model answering in another process (``text.pipeline.PanelWorker``) counts the
        # seconds its answers took there: those, not this thread's wait for them
        own = getattr(self.model, "answer_seconds", None)
        try:
            if limit is None or len(inputs) <= limit:
                out = np.asarray(self.model.predict(inputs))
            else:
                parts = [
                    np.asarray(self.model.predict(inputs[i : i + limit]))
                    for i in range(0, len(inputs), limit)
                ]
                out = np.concatenate(parts, axis=0)
            self.answered += 1
            return out
        finally:
            if isinstance(own, float):
                self.model_seconds += float(getattr(self.model, "answer_seconds", own)) - own
            else:
                self.model_seconds += time.perf_counter() - t0

    def _remember(self, keys: np.ndarray, values: np.ndarray) -> None:
        room = self.cache_size - len(self._index)
        if room <= 0:
            return
        keys, values = keys[:room], values[:room]
        new = self._index.add(keys)
        keys, values = keys[new], values[new]
        if not len(keys):
            return
        start = len(self._index) - len(keys)
        if self._values is None:
            self._values = np.empty((max(1024, 2 * len(keys)), *values.shape[1:]), values.dtype)
        if start + len(keys) > len(self._values):
            grown = np.empty(
                (
                    min(max(2 * len(self._values), start + len(keys)), self.cache_size),
                    *values.shape[1:],
                ),
                dtype=self._values.dtype,
            )
            grown[:start] = self._values[:start]
            self._values = grown
        self._values[start : start + len(keys)] = values

    # -- checkpoints ---------------------------------------------------------------------
    def close(self) -> None:
        """End the thread that watches this model's calls, if it made one (the caller it
        was given stays its owner's to close)."""
        if isinstance(self._caller, WatchedCaller):
            self._caller.release()

    def snapshot(self) -> Snapshot:
        n = len(self._index)
        snap = Snapshot(
            values={
                "queries": self.queries,
                "requests": self.requests,
                "elapsed": self.elapsed,
                "model_seconds": self.model_seconds,
            }
        )
        if n > self._logged and self._values is not None:
            keys = self._index.keys()
            snap.appends["cache_keys"] = keys[self._logged : n]
            snap.appends["cache_values"] = self._values[self._logged : n].copy()
            self._logged = n
        return snap

    def restore(self, snapshot: Snapshot) -> None:
        v = snapshot.values
        self.queries = int(v.get("queries", 0))
        self.answered = max(self.answered, 1 if self.queries else 0)
        self.requests = int(v.get("requests", 0))
        self.model_seconds = float(v.get("model_seconds", 0.0))
        self._elapsed_before = float(v.get("elapsed", 0.0))
        self._started = self._clock()
        keys = snapshot.appends.get("cache_keys")
        values = snapshot.appends.get("cache_values")
        self._index = KeyIndex(capacity=min(self.cache_size, 4096) or 16)
        self._values = None
        self._logged = 0
        if keys is not None and values is not None and len(keys):
            self._remember(np.asarray(keys, dtype=np.uint64), np.asarray(values))
            self._logged = len(self._index)


class PhaseBudget:
    """A view of a ``BudgetedModel`` with tighter limits for one phase of a run.

    Counters and the cache are the parent's; the phase ends (``BudgetExhausted``) when either
    its own limits or the parent's are reached.  Limits are absolute: a query count and an
    elapsed time of the parent at which the phase stops.
    """

    def __init__(
        self, parent: BudgetedModel, *, until_queries: int | None, until_time: float | None
    ) -> None:
        self.parent = parent
        self.capabilities = parent.capabilities
        self.until_queries = until_queries
        self.until_time = until_time

    @property
    def queries(self) -> int:
        return self.parent.queries

    @property
    def requests(self) -> int:
        return self.parent.requests

    @property
    def model_seconds(self) -> float:
        return self.parent.model_seconds

    @property
    def elapsed(self) -> float:
        return self.parent.elapsed

    def remaining(self) -> int | None:
        own = None if self.until_queries is None else max(self.until_queries - self.queries, 0)
        theirs = self.parent.remaining()
        if own is None:
            return theirs
        return own if theirs is None else min(own, theirs)

    def exhausted(self) -> str | None:
        if self.until_queries is not None and self.queries >= self.until_queries:
            return "queries"
        if self.until_time is not None and self.elapsed >= self.until_time:
            return "time"
        return self.parent.exhausted()

    def _check(self, n: int) -> None:
        reason = self.exhausted()
        if reason:
            raise BudgetExhausted(f"phase budget spent ({reason})", reason=reason)
        left = self.remaining()
        if left is not None and left < n and self.parent.remaining() != left:
            # the phase (not the run) would overrun: refuse before asking anything
            raise BudgetExhausted("phase query budget spent", reason="queries")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        self._check(len(inputs))
        return self.parent.predict(inputs)

    def predict_fresh(self, inputs: ModelInputs, /) -> np.ndarray:
        self._check(len(inputs))
        return self.parent.predict_fresh(inputs)

    def submit_fresh(
        self, inputs: ModelInputs, /, *, then: Callable[[np.ndarray], None] | None = None
    ) -> Call:
        self._check(len(inputs))
        return self.parent.submit_fresh(inputs, then=then)
