"""Which witnesses a run keeps, and exact counts of all it found.

A fast search finds millions of findings a minute; a report shows a few dozen.  Every finding
is counted (per kind, with a histogram of severities), but only a bounded, representative set
of witnesses is kept when a cap ``keep`` is given (per kind of finding):

- the first ``ceil(keep / 2)`` found (``permanent``: never dropped);
- a uniform random sample of ``keep // 2`` of the rest (a reservoir by priorities: finding
  number ``i`` has the priority ``mix64(i ^ salt)``, the salt made from the run's seed and the
  kind, and the sample holds the lowest priorities seen so far) — reproducible from the seed,
  whatever the order of checkpoints, and the same after a kill and resume;
- the ``TOP`` most severe findings (ties: the earliest), which is what a report shows;
- every finding a technique marks in its ``must_keep`` column.

The cap is in bytes too: a kind whose findings are large (a text run's 200-word sentences,
a backdoor run's large images) keeps as many as ``KEEP_BYTES`` holds, measured on its first
findings (``Tallies.bound_bytes``: the kind's own ``keep``, its most severe ``top_n``), so
that the store cannot grow without bound; every finding is still counted.

Sample and top witnesses are written when they enter the set (``provisional``); one pushed out
later stays in the store until a compaction, and readers skip it (``live``).
"""

from __future__ import annotations

import hashlib
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assay.core.keys import mix64
from assay.core.numerals import unwritten, written_int

__all__ = [
    "DEFAULT_KEEP",
    "KEEP_BYTES",
    "MUST_KEEP",
    "TIE",
    "TOP",
    "KindTally",
    "Tallies",
    "keep_keyword",
    "keep_option",
    "parse_keep",
    "pinned_keep",
    "priorities",
    "stored_keep",
]

DEFAULT_KEEP = 100_000
MUST_KEEP = "must_keep"  # a bool column of a FindingBatch: keep these whatever the cap
TOP = 64  # the most severe findings kept per kind (a report shows 50)
KEEP_BYTES = 256 * 1024 * 1024
"""The most bytes a capped run's witnesses of one kind take in the store (about: measured on
the kind's first findings); ``--keep-findings all`` keeps every one whatever its size."""
# a severity within this of a threshold reaches it (``--fail-on``, ``--threshold``): a text
# run's severities are distances summed from probabilities in floats, and one of exactly 0.3
# (answers 0.3/0.7 against 0.6/0.4) read 0.29999999999999993: "nothing found at or above
# --fail-on 0.3" beside 12 such disagreements, exit 0 (audit46t)
TIE = 1e-12
_GRID = 1000  # severity histogram: bins of 1/1000 on [0, 1]
_EDGES = np.arange(_GRID + 1) / _GRID
_MAX_DISTINCT = 32
_ALL = np.iinfo(np.uint64).max


def parse_keep(value: int | str | None, *, argument: str = "--keep-findings") -> int | None:
    """A witness cap as given by a user: ``all`` (None: keep every witness) or a whole number
    >= 0 (witnesses kept per kind of finding, besides the most severe and must-keep ones)."""
    from assay.errors import UsageError

    if value is None or (isinstance(value, str) and value.strip().lower() == "all"):
        return None
    if isinstance(value, bool):
        raise UsageError(f"must be 'all' or a whole number >= 0, not {value!r}", argument=argument)
    # digits 0-9 as every number assay reads (core.numerals): '10_000' and '10,000' were
    # 10000, '٨' was 8, where --max-queries 10_000 is refused
    n = int(value) if isinstance(value, numbers.Integral) else written_int(str(value))
    if n is None:
        odd = unwritten(str(value))
        raise UsageError(
            f"must be 'all' or a whole number >= 0, not {value!r}"
            + (f": it holds {odd}" if odd else ""),
            argument=argument,
        )
    if n < 0:
        raise UsageError(f"must be 'all' or a whole number >= 0, not {value!r}", argument=argument)
    return n


def keep_option(keep: int | None) -> str:
    """The command-line form of a cap: ``all`` or the number."""
    return "all" if keep is None else str(keep)


def keep_keyword(keep: int | None) -> int | str | None:
    """A cap as an API call's rerun shows it (``keep_findings=2000``, ``"all"``); None at
    the default, which the call leaves out."""
    if keep == DEFAULT_KEEP:
        return None
    return "all" if keep is None else keep


_PIN = f" --keep-findings {DEFAULT_KEEP}"  # (appended to every rerun command until words37)


def pinned_keep(command: str, config: Mapping[str, Any] | None) -> str:
    """A technique's stored rerun ``command`` as printed: naming its witness cap
    (``--keep-findings N``, from ``config``) only where the run's cap differs from today's
    default though its command line left it out (a default changed since); a run at
    today's default without it, as every other option at its default is (its command once
    ended in ``--keep-findings 100000`` always: taken away).  Only on a technique's own
    command (not ``assay demo``, nor a Python call), and never twice."""
    words = command.split(" ", 2)
    if words[0] != "assay" or words[1:2] not in (["fairness"], ["text"], ["backdoor"]):
        return command
    if command.endswith(_PIN):
        return command[: -len(_PIN)]
    cap = (config or {}).get("keep_findings")
    if "--keep-findings" in command or not isinstance(cap, str):
        return command
    from assay.errors import UsageError

    try:
        kept = parse_keep(cap)
    except UsageError:  # (a stored value no version wrote)
        return command
    return command if kept == DEFAULT_KEEP else f"{command} --keep-findings {keep_option(kept)}"


def stored_keep(config: Mapping[str, Any] | None, policy: int | None) -> Mapping[str, Any]:
    """A stored run's ``config`` for its printed rerun (``pinned_keep``), given the store's
    witness cap of the run (``RunStore.keep_policy``: None when it keeps every witness).  A
    run stored before the cap (2026-12-01) kept every witness and has neither tallies (the
    store's policy None) nor ``config["keep_findings"]``: it is given ``all``, so that its
    rerun keeps every witness as it did, not today's 100,000.  The config alone cannot tell
    it: text and backdoor runs of the two days before their ``--keep-findings`` (2026-12-03)
    lack the key too, and were capped at 100,000 (their tallies say so); a run made since
    always has the key; a pre-cap run resumed since was capped then (its tallies: 100,000)."""
    config = config or {}
    if "keep_findings" in config or policy is not None:
        return config
    return {**config, "keep_findings": keep_option(None)}


def _salt(seed: int, kind: str) -> np.uint64:
    digest = hashlib.blake2b(kind.encode("utf-8"), digest_size=8).digest()
    value = (int(seed) & (2**64 - 1)) ^ int.from_bytes(digest, "little")
    return np.uint64(mix64(np.array([value], dtype=np.uint64))[0])


def priorities(indices: np.ndarray, salt: np.uint64) -> np.ndarray:
    """The sampling priority of each finding number (uniform on uint64)."""
    return mix64(np.asarray(indices, dtype=np.uint64) ^ salt)


def severity_bins(severity: np.ndarray) -> np.ndarray:
    """Histogram bin of each severity: 0 below 0, k + 1 for [k/1000, (k+1)/1000), 1001 from 1."""
    sev = np.nan_to_num(np.asarray(severity, dtype=np.float64), nan=0.0)
    # (within ``TIE`` below an edge: the bin above, as ``at_or_above`` counts it)
    return np.searchsorted(_EDGES, sev + TIE, side="right")


@dataclass
class KindTally:
    """Counts and the kept set of one kind of finding."""

    count: int = 0
    first_end: int | None = None  # the run-wide number of this kind's first sampled finding
    max_severity: float | None = None
    hist: dict[int, int] = field(default_factory=dict)
    distinct: dict[float, int] | None = field(default_factory=dict)
    permanent: int = 0
    tau: int = int(_ALL)  # reservoir: priorities <= tau are in the sample
    top: list[tuple[float, int]] = field(default_factory=list)  # (severity, index), best first
    provisional: list[int] = field(default_factory=list)  # seqs of blobs with provisional rows
    written_provisional: int = 0
    reservoir: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    # the bytes bound (``Tallies.bound_bytes``): the kind's own cap and most severe kept when
    # its findings are too large for the run's cap (None: the run's), and their measured size
    keep: int | None = None
    top_n: int = TOP
    bytes_each: float | None = None

    # -- counts ----------------------------------------------------------------------------
    def count_batch(self, severity: np.ndarray) -> None:
        sev = np.nan_to_num(np.asarray(severity, dtype=np.float64), nan=0.0)
        if not len(sev):
            return
        self.count += len(sev)
        top = float(sev.max())
        self.max_severity = top if self.max_severity is None else max(self.max_severity, top)
        values: np.ndarray | None = None
        if float(sev.min()) == top:  # one severity (often: every finding a label flip): no sorting
            bins = severity_bins(sev[:1])
            counts = np.array([len(sev)])
            values = sev[:1]
        else:
            per_bin = np.bincount(severity_bins(sev), minlength=_GRID + 2)
            bins = np.flatnonzero(per_bin)
            counts = per_bin[bins]
        for b, c in zip(bins.tolist(), counts.tolist(), strict=True):
            self.hist[b] = self.hist.get(b, 0) + c
        if self.distinct is not None:
            if values is None:
                values, counts = np.unique(sev, return_counts=True)
            for v, c in zip(values.tolist(), counts.tolist(), strict=True):
                self.distinct[v] = self.distinct.get(v, 0) + c
            if len(self.distinct) > _MAX_DISTINCT:
                self.distinct = None

    def at_or_above(self, threshold: float) -> int:
        """How many findings have severity >= ``threshold``: exact when the severities take
        few distinct values or the threshold is a multiple of 0.001 in [0, 1]; otherwise
        rounded down to the grid (an over-count, never an under-count)."""
        if self.distinct is not None:
            return sum(c for v, c in self.distinct.items() if v >= threshold - TIE)
        if threshold <= 0:
            return self.count
        k = math.floor(threshold * _GRID)
        if k / _GRID > threshold:
            k -= 1
        k = min(max(k, 0), _GRID)
        return sum(c for b, c in self.hist.items() if b >= k + 1)

    # -- the kept set ----------------------------------------------------------------------
    def top_cut(self) -> tuple[float, int] | None:
        """(severity, index) of the last of the ``top_n`` most severe, once there are as
        many."""
        return self.top[-1] if len(self.top) >= self.top_n else None

    def in_top(self, severity: np.ndarray, indices: np.ndarray) -> np.ndarray:
        cut = self.top_cut()
        if cut is None:
            return np.ones(len(indices), dtype=bool)
        s, i = cut
        out: np.ndarray = (severity > s) | ((severity == s) & (indices <= i))
        return out

    def in_sample(self, prio: np.ndarray) -> np.ndarray:
        return prio <= np.uint64(self.tau)

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "first_end": self.first_end,
            "max_severity": self.max_severity,
            "hist": {str(k): v for k, v in sorted(self.hist.items())},
            "distinct": None
            if self.distinct is None
            else [[v, c] for v, c in sorted(self.distinct.items())],
            "permanent": self.permanent,
            "tau": str(self.tau),
            "top": [list(t) for t in self.top],
            "provisional": self.provisional,
            "written_provisional": self.written_provisional,
            "keep": self.keep,
            "top_n": self.top_n,
            "bytes_each": self.bytes_each,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> KindTally:
        distinct = d.get("distinct")
        return cls(
            count=int(d["count"]),
            first_end=d.get("first_end"),
            max_severity=d.get("max_severity"),
            hist={int(k): int(v) for k, v in d.get("hist", {}).items()},
            distinct=None if distinct is None else {float(v): int(c) for v, c in distinct},
            permanent=int(d.get("permanent", 0)),
            tau=int(d.get("tau", str(_ALL))),
            top=[(float(s), int(i)) for s, i in d.get("top", [])],
            provisional=[int(s) for s in d.get("provisional", [])],
            written_provisional=int(d.get("written_provisional", 0)),
            keep=None if d.get("keep") is None else int(d["keep"]),
            top_n=int(d.get("top_n", TOP)),
            bytes_each=None if d.get("bytes_each") is None else float(d["bytes_each"]),
        )


@dataclass
class Selection:
    """Rows of one batch to write: ``permanent`` and ``provisional`` masks, and each row's
    number among all the run's findings (every kind, in the order found)."""

    indices: np.ndarray
    permanent: np.ndarray
    provisional: np.ndarray


class Tallies:
    """The counts and kept sets of one run, for every kind; JSON round-trip."""

    def __init__(self, keep: int | None, seed: int) -> None:
        if keep is not None and keep < 0:
            raise ValueError(f"keep must be >= 0 or None, not {keep}")
        self.keep = keep
        self.seed = int(seed)
        self.kinds: dict[str, KindTally] = {}
        self.count = 0  # findings of every kind: the next finding's number
        # the tallies (and next blob seq) as of the last snapshot, kept while findings are
        # committed without one (a failing run): ``RunStore.truncate_findings`` goes back to it
        self.rollback: dict[str, Any] | None = None

    def keep_of(self, kind: str) -> int | None:
        """The cap of ``kind``: the run's, or less when its findings are large."""
        own = self.kind(kind).keep
        return self.keep if self.keep is None or own is None else min(own, self.keep)

    def first_of(self, kind: str) -> int:
        keep = self.keep_of(kind)
        return 0 if keep is None else (keep + 1) // 2

    def sample_of(self, kind: str) -> int:
        keep = self.keep_of(kind)
        return 0 if keep is None else keep // 2

    def bound_bytes(self, kind: str, each: float) -> None:
        """Before the first findings of ``kind`` are counted, with ``each``, the bytes one
        of them takes in the store: when the run's cap (and the ``TOP`` most severe) would
        take more than ``KEEP_BYTES``, the kind keeps as many as fit (at least 2, and its
        most severe a third of them, at least 1).  Never for ``--keep-findings all``."""
        t = self.kind(kind)
        if self.keep is None or t.count or t.bytes_each is not None:
            return
        t.bytes_each = float(each)
        room = int(KEEP_BYTES // max(float(each), 1.0))
        if room >= self.keep + TOP:
            return
        t.top_n = min(TOP, max(1, room // 3))
        t.keep = min(self.keep, max(2, room - t.top_n))

    def salt(self, kind: str) -> np.uint64:
        return _salt(self.seed, kind)

    def kind(self, kind: str) -> KindTally:
        if kind not in self.kinds:
            self.kinds[kind] = KindTally()
        return self.kinds[kind]

    @property
    def total(self) -> int:
        return self.count

    def select(self, kind: str, severity: np.ndarray, must_keep: np.ndarray | None) -> Selection:
        """Count a batch of ``kind`` and choose which of its rows to write."""
        t = self.kind(kind)
        n = len(severity)
        indices = np.arange(self.count, self.count + n, dtype=np.int64)
        own = np.arange(t.count, t.count + n, dtype=np.int64)  # numbers among this kind's
        first, sample = self.first_of(kind), self.sample_of(kind)
        if t.first_end is None and t.count + n > first:
            t.first_end = self.count + max(first - t.count, 0)
        self.count += n
        sev = np.nan_to_num(np.asarray(severity, dtype=np.float64), nan=0.0)
        t.count_batch(sev)
        if self.keep is None:
            everything = np.ones(n, dtype=bool)
            t.permanent += n
            return Selection(indices, everything, np.zeros(n, dtype=bool))
        permanent = own < first
        if must_keep is not None:
            permanent |= np.asarray(must_keep, dtype=bool)
        # the reservoir: the lowest priorities among findings past the first ones
        cand = np.flatnonzero(own >= first)
        sampled = np.zeros(n, dtype=bool)
        if len(cand) and sample > 0:
            prio = priorities(indices[cand], self.salt(kind))
            pool = np.concatenate([t.reservoir, prio[t.in_sample(prio)]])
            if len(pool) > sample:
                t.tau = int(np.partition(pool, sample - 1)[sample - 1])
                pool = pool[pool <= np.uint64(t.tau)]
            t.reservoir = pool
            sampled[cand] = t.in_sample(prio)
        # the most severe (ties: earliest), over every finding
        entering = t.in_top(sev, indices)
        if entering.any():
            pick = np.flatnonzero(entering)
            if len(pick) > t.top_n:  # only the top_n best of the batch can enter
                pick = pick[np.lexsort((indices[pick], -sev[pick]))[: t.top_n]]
            new = zip(sev[pick].tolist(), indices[pick].tolist(), strict=True)
            merged = t.top + list(new)
            merged.sort(key=lambda e: (-e[0], e[1]))
            t.top = merged[: t.top_n]
            entering &= t.in_top(sev, indices)
        provisional = (sampled | entering) & ~permanent
        t.permanent += int(permanent.sum())
        t.written_provisional += int(provisional.sum())
        return Selection(indices, permanent, provisional)

    def live(self, kind: str, indices: np.ndarray, severity: np.ndarray) -> np.ndarray:
        """Which provisional rows (by finding number and severity) are still kept (every
        provisional row is past the kind's first ones)."""
        t = self.kind(kind)
        sev = np.nan_to_num(np.asarray(severity, dtype=np.float64), nan=0.0)
        keep = t.in_top(sev, indices)
        if self.sample_of(kind) > 0:
            keep |= t.in_sample(priorities(indices, self.salt(kind)))
        return keep

    def kept(self, kind: str) -> int:
        """Witnesses kept of ``kind`` (permanent, sample and top, each counted once)."""
        t = self.kind(kind)
        if self.keep is None:
            return t.permanent
        start = t.count if t.first_end is None else t.first_end
        top = [i for _, i in t.top if i >= start]
        extra = 0
        if top:
            idx = np.asarray(top, dtype=np.int64)
            # (no sample, --keep-findings 0: every top witness is one more; the reservoir's
            # threshold is still "all" then, as ``live`` knows)
            in_sample = (
                t.in_sample(priorities(idx, self.salt(kind)))
                if self.sample_of(kind) > 0
                else np.zeros(len(idx), dtype=bool)
            )
            extra = int((~in_sample).sum())
        # a top or sampled witness that the technique also marked must-keep is counted twice
        sampled = min(self.sample_of(kind), max(t.count - self.first_of(kind), 0))
        return min(t.count, t.permanent + sampled + extra)

    def to_json(self) -> dict[str, Any]:
        return {
            "keep": self.keep,
            "seed": self.seed,
            "count": self.count,
            "kinds": {k: t.to_json() for k, t in self.kinds.items()},
            "rollback": self.rollback,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Tallies:
        out = cls(d.get("keep"), int(d.get("seed", 0)))
        out.kinds = {k: KindTally.from_json(v) for k, v in d.get("kinds", {}).items()}
        out.count = int(d.get("count", sum(t.count for t in out.kinds.values())))
        out.rollback = d.get("rollback")
        return out
