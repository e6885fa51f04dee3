"""How common discrimination is: the share of discriminatory inputs, with a 95 % interval.

Inputs are drawn i.i.d. from a distribution, each is checked by the oracle against every
combination of protected values (one batched model call per batch), and the count of
discriminatory inputs gives the estimate.  Distributions:

- ``uniform``: uniform over the schema's input space (``Schema.sample_uniform``);
- ``data``: the given (encoded) real rows, each at most once, in a seeded random order (a
  sample without replacement of a finite population: Clopper-Pearson's interval holds it,
  conservatively).  A sample that reaches every row has counted them: the share is those
  rows' exact figure (``Estimate.counted``, no interval), as the answer's data share says it
  ("194 of 3,000: every row counted").  Drawn with replacement before, a 3,000-row file's
  estimate read 6.90 % (95 % CI 6.0-7.9 %) of rows holding 6.47 %.

Sampling stops when the interval's half-width (Clopper-Pearson's: ``clopper_pearson``)
reaches the target, or when the query budget runs out (a normal end: the estimate so far
is reported with its wider interval).  Batches grow geometrically and are capped by the
number of samples the normal approximation says are still needed, so the target is not
overshot by much.

The target half-width is relative, so that a rare bug is measured as well as a common one:
``relative`` (10 %) of the estimated share, never coarser than ``precision`` (±0.5 points)
and never finer than ``floor`` (±0.02 points, so that a share of zero ends too).  A model
with 0.25 % discriminatory inputs is thus sampled until about 0.25 % ± 0.025 %, which on a
local model costs a fraction of a second; the query budget bounds the cost either way.

Several distributions are estimated in turn.  The query budget is split as each one starts:
distribution ``i`` of ``m`` may use ``remaining // (m - i)`` queries, so each gets an equal
share of what is left, and queries a distribution did not need pass on to the next ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Literal

import numpy as np

from assay.core.checkpoint import Snapshot
from assay.core.display import percent
from assay.core.findings import FindingBatch, to_jsonable
from assay.core.model import Model
from assay.errors import BudgetExhausted, UsageError
from assay.fairness.kept import KeptSamples, restore_kept
from assay.fairness.oracle import Oracle, Verdicts
from assay.fairness.schema import Schema, rows_within

__all__ = [
    "DISTRIBUTIONS",
    "Estimate",
    "EstimateSearch",
    "clopper_pearson",
    "estimate_share",
    "wilson_interval",
]

Distribution = Literal["uniform", "data"]
DISTRIBUTIONS: tuple[str, ...] = ("uniform", "data")
_EXAMPLES = 5
_WHERE = {
    "uniform": "uniform over the schema's input space",
    "data": "real rows of the given data, each at most once",
}


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise UsageError(f"must be between 0 and 1, not {confidence}", argument="confidence")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for ``k`` successes in ``n`` trials; (0, 1) when n == 0.
    The interval assay stated until the forty-fourth session (``clopper_pearson`` since):
    kept for comparison (``bench/interval_coverage.py``).

    Modified at the ends as Brown, Cai and DasGupta (2001) advise: with 1 to 3 successes
    (failures) the lower (upper) bound is the exact one (Clopper-Pearson's) where that is
    further out.  The plain Wilson bound lies above the true share in 16 % of samples of
    a share near 0.17 / n (one success in n is then 16 % likely, and its Wilson lower bound
    is above 0.17 / n): a "95 %" interval that held the share 84 % of the time.  Modified,
    it holds any share at least 92.8 % of the time, about 95 % on average."""
    z = _z(confidence)
    if n < 0 or not 0 <= k <= max(n, 0):
        raise UsageError(f"need 0 <= k <= n, not k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = (z / denom) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    tail = (1 - confidence) / 2
    if 1 <= k <= _EXACT_ENDS and k < n:
        low = min(low, _exact_low(k, n, tail))
    if 1 <= n - k <= _EXACT_ENDS and k > 0:
        high = max(high, 1.0 - _exact_low(n - k, n, tail))
    return low, high


_EXACT_ENDS = 3  # successes (failures) up to which the lower (upper) bound is the exact one


def _exact_low(k: int, n: int, tail: float) -> float:
    """The share p at which ``k`` or more successes in ``n`` trials have probability
    ``tail`` (the exact lower bound; ``k`` small, so the sum below has ``k`` terms)."""

    def below(p: float) -> float:  # P(X < k) for X ~ Binomial(n, p)
        if p <= 0.0:
            return 1.0
        logs = [
            math.lgamma(n + 1)
            - math.lgamma(j + 1)
            - math.lgamma(n - j + 1)
            + j * math.log(p)
            + (n - j) * math.log1p(-p)
            for j in range(k)
        ]
        return sum(math.exp(v) for v in logs)

    lo, hi = 0.0, 1.0  # P(X >= k) rises with p: bisect for 1 - below(p) == tail
    for _ in range(100):
        mid = (lo + hi) / 2
        if 1.0 - below(mid) < tail:
            lo = mid
        else:
            hi = mid
    return lo


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval for ``k`` successes in ``n`` trials; (0, 1) when
    n == 0: each bound is the share at which ``k`` or more (at most ``k``) successes have
    probability ``(1 - confidence) / 2``.  It holds the true share at least ``confidence``
    of the time for every share and every ``n``, where Wilson's holds it about that often on
    average but 89.4 % of the time at worst for n = 7 and about 93 % in the middle of the
    range for any n (``bench/interval_coverage.py``); the price is a wider interval, by a
    few percent at a thousand samples."""
    _z(confidence)  # (the same check of ``confidence``)
    if n < 0 or not 0 <= k <= max(n, 0):
        raise UsageError(f"need 0 <= k <= n, not k={k}, n={n}")
    if n == 0:
        return 0.0, 1.0
    tail = (1 - confidence) / 2
    # P(X >= k) = I_p(k, n - k + 1) and P(X <= k) = 1 - I_p(k + 1, n - k), X ~ Bin(n, p)
    low = 0.0 if k == 0 else _beta_quantile(k, n - k + 1, tail, (0.0, k / n))
    high = 1.0 if k == n else _beta_quantile(k + 1, n - k, 1 - tail, (k / n, 1.0))
    return low, high


def _beta_quantile(a: float, b: float, q: float, bracket: tuple[float, float]) -> float:
    """The ``x`` in ``bracket`` at which the regularised incomplete beta ``I_x(a, b)`` is
    ``q``: Newton's steps on it (its slope is the beta density), kept inside a bracket that
    shrinks at every step, halved where a step would leave it."""
    lo, hi = bracket
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    x = (lo + hi) / 2
    for _ in range(200):
        f = _betainc(a, b, x) - q
        if f > 0:
            hi = x
        else:
            lo = x
        density = math.exp((a - 1) * math.log(x) + (b - 1) * math.log1p(-x) - log_beta)
        step = f / density if density > 0 else math.inf
        nxt = x - step
        if not lo < nxt < hi:
            nxt = (lo + hi) / 2
        if abs(nxt - x) <= 1e-15 * max(x, 1e-300) or hi - lo <= 1e-300:
            return nxt
        x = nxt
    return x


def _betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function ``I_x(a, b)``, by its continued fraction
    (Abramowitz and Stegun 26.5.8) on the side where it converges fast."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of ``I_x(a, b)``, evaluated forward (Lentz's method)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 100_000):
        even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
        for term in (even, odd):
            d = 1.0 + term * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + term / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def _pct(x: float) -> str:
    return percent(x)


@dataclass(frozen=True)
class Estimate:
    """The estimated share of discriminatory inputs under one distribution.

    ``stopped``: "precision" (target half-width reached), "max_samples", "budget", or
    "counted" (every row of the data asked once: ``counted``).
    ``examples``: up to five discriminatory inputs seen while sampling.
    """

    distribution: str
    discriminatory: int
    sampled: int
    share: float
    low: float
    high: float
    confidence: float
    queries: int
    precision: float | None = None
    stopped: str = "precision"
    examples: tuple[dict[str, Any], ...] = field(default=(), compare=False)
    # the columns whose draw gives "missing" as one more value (--missing value; uniform)
    missing: tuple[str, ...] = ()
    # every row of the data asked once: the share is those rows' count, its interval itself
    counted: bool = False

    @classmethod
    def of(
        cls,
        distribution: str,
        k: int,
        n: int,
        *,
        confidence: float = 0.95,
        queries: int = 0,
        precision: float | None = None,
        stopped: str = "precision",
        examples: Sequence[dict[str, Any]] = (),
        missing: Sequence[str] = (),
        counted: bool = False,
    ) -> Estimate:
        low, high = (k / n, k / n) if counted and n else clopper_pearson(k, n, confidence)
        return cls(
            distribution=distribution,
            discriminatory=k,
            sampled=n,
            share=k / n if n else 0.0,
            low=low,
            high=high,
            confidence=confidence,
            queries=queries,
            precision=precision,
            stopped=stopped,
            examples=tuple(examples),
            missing=tuple(missing),
            counted=bool(counted and n),
        )

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def to_json(self) -> dict[str, Any]:
        return (
            {
                "distribution": self.distribution,
                "discriminatory": self.discriminatory,
                "sampled": self.sampled,
                "share": self.share,
                "low": self.low,
                "high": self.high,
                "half_width": self.half_width,
                "confidence": self.confidence,
                "precision": self.precision,
                "queries": self.queries,
                "stopped": self.stopped,
                "examples": to_jsonable(list(self.examples)),
                "text": self.describe(),
            }
            | ({"missing": list(self.missing)} if self.missing else {})
            | ({"counted": True} if self.counted else {})
        )

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Estimate:
        return cls(
            distribution=str(d["distribution"]),
            discriminatory=int(d["discriminatory"]),
            sampled=int(d["sampled"]),
            share=float(d["share"]),
            low=float(d["low"]),
            high=float(d["high"]),
            confidence=float(d["confidence"]),
            queries=int(d.get("queries", 0)),
            precision=d.get("precision"),
            stopped=str(d.get("stopped", "precision")),
            examples=tuple(d.get("examples", ())),
            missing=tuple(str(m) for m in d.get("missing", ())),
            counted=bool(d.get("counted", False)),
        )

    def interval_text(self) -> str:
        """The share and its interval, e.g. '3.1 % (2.9–3.3 %)'; over data each of whose rows
        it asked once, those rows' count: '6.19 % (1,234 of 19,936: every row counted)' (it
        read '6.19 % (6.19–6.19 %)', an interval of no width)."""
        if self.counted:
            every = f"{self.discriminatory:,} of {self.sampled:,}: every row counted"
            return f"{_pct(self.share)} ({every})"
        return f"{_pct(self.share)} ({_pct(self.low)[:-2]}–{_pct(self.high)})"

    def where(self, names: dict[str, str] | None = None) -> str:
        """What was sampled (``names``: other words for the distributions), with the
        columns whose missing value the uniform draw gives as one more value."""
        where = (names or _WHERE).get(self.distribution, self.distribution)
        if self.missing and self.distribution == "uniform":  # as the answer's share line says
            where += f", with {', '.join(self.missing)} missing as one more value"
        return where

    def describe(self) -> str:
        where = self.where()
        if self.counted:  # (no sample: no interval, no precision to reach)
            return (
                f"share of discriminatory inputs ({where}): {_pct(self.share)} "
                f"({self.discriminatory:,} of {self.sampled:,}: every row counted)"
            )
        level = f"{100 * self.confidence:g} %"
        text = (
            f"estimated share of discriminatory inputs ({where}): {_pct(self.share)} "
            f"({level} CI {_pct(self.low)} to {_pct(self.high)}; "
            f"{self.discriminatory:,} of {self.sampled:,} sampled"
        )
        if self.stopped == "budget" and self.precision is not None:
            text += "; the budget ended before the target precision was reached"
        return text + ")"


class EstimateSearch:
    """Estimates the share of discriminatory inputs for each distribution in turn.

    ``model`` takes encoded rows (usually a ``BudgetedModel`` over an ``EncodedModel``); its
    ``remaining()`` and ``queries``, when present, size the batches and count the cost.
    ``data``: encoded real rows, needed for the ``data`` distribution.
    Implements the ``Search`` protocol; ``step`` returns no findings (an estimate is a
    measurement, not a witness); examples go into the summary.
    """

    def __init__(
        self,
        schema: Schema,
        model: Model,
        rng: np.random.Generator,
        *,
        distributions: Sequence[str] = ("uniform",),
        data: np.ndarray | None = None,
        precision: float = 0.005,
        confidence: float = 0.95,
        threshold: float | None = None,
        relative: float = 0.1,
        floor: float = 0.0002,
        first_batch: int = 1000,
        max_batch: int = 50_000,
        max_samples: int = 5_000_000,
        keep: KeptSamples | None = None,
    ) -> None:
        self.schema = schema
        self.keep = keep  # the first inputs and answers, for the answer after the run
        self.model = model
        self.rng = rng
        self.distributions = tuple(distributions)
        self.precision = float(precision)
        self.relative = float(relative)
        self.floor = min(float(floor), self.precision)
        self.confidence = float(confidence)
        self.z = _z(confidence)
        first, most = int(first_batch), int(max_batch)
        if 1 <= first <= most:  # rows of a very wide schema in batches that fit in memory
            most = rows_within(most, len(schema))
            first = min(first, most)
        self.first_batch, self.max_batch = first, most
        self.max_samples = int(max_samples)
        self.data = self._check(data)
        self._missing = tuple(f.name for f in schema.features if f.missing)
        self.oracle = Oracle(schema, model, threshold=threshold)
        self.K = self.oracle.K
        m = len(self.distributions)
        self._counts = np.zeros((m, 3), dtype=np.int64)  # discriminatory, sampled, queries
        self._current = 0
        self._batch = self.first_batch
        self._allowance: int | None = None
        d = len(schema)
        self._ex_inputs = [np.zeros((0, d)) for _ in range(m)]
        self._ex_outputs: list[np.ndarray | None] = [None] * m
        self._order_seed: int | None = None  # the data rows' order (drawn at their first draw)
        self._order: np.ndarray | None = None

    def _check(self, data: np.ndarray | None) -> np.ndarray | None:
        if not self.distributions:
            raise UsageError("name at least one distribution", argument="--estimate")
        for name in self.distributions:
            if name not in DISTRIBUTIONS:
                raise UsageError(
                    f"unknown distribution {name!r}; choose from {', '.join(DISTRIBUTIONS)}",
                    argument="--estimate",
                )
        if len(set(self.distributions)) != len(self.distributions):
            raise UsageError("a distribution is named twice", argument="--estimate")
        if not 0 < self.precision < 0.5:
            raise UsageError(f"must be in (0, 0.5), not {self.precision}", argument="--precision")
        if self.first_batch < 1 or self.max_batch < self.first_batch or self.max_samples < 1:
            raise UsageError(
                f"batch sizes must satisfy 1 <= first_batch <= max_batch, not "
                f"{self.first_batch}, {self.max_batch}"
            )
        if "data" not in self.distributions:
            return None
        if data is None:
            raise UsageError("estimating over the data needs --data", argument="--estimate")
        arr = np.asarray(data, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != len(self.schema) or not len(arr):
            raise UsageError(
                f"data must be a non-empty matrix with {len(self.schema)} encoded columns, "
                f"not shape {arr.shape}",
                argument="--data",
            )
        return arr

    # -- Search protocol -----------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._current >= len(self.distributions)

    def flush(self) -> list[FindingBatch]:
        return []  # every step reads its answers

    def step(self) -> list[FindingBatch]:
        if self.done:
            return []
        i = self._current
        size = self._next_size(i)
        remaining = self._remaining()
        if remaining is not None:
            if self._allowance is None:
                self._allowance = remaining // (len(self.distributions) - i)
            affordable = min(self._allowance, remaining) // self.K
            if affordable < size and affordable < int(self._counts[i, 1]) // 100:
                affordable = 0  # what is left would barely narrow the interval
            size = min(size, affordable)
        if self.distributions[i] == "data":  # each row once: no more than are left
            assert self.data is not None
            size = min(size, len(self.data) - int(self._counts[i, 1]))
        if size < 1:
            self._advance()
            return []
        rows = self._sample(size)
        before = self._queries()
        verdicts = self.oracle.evaluate(rows)
        after = self._queries()
        used = after - before if before is not None and after is not None else size * self.K
        self._record(i, verdicts, used)
        if self.keep is not None:
            self.keep.offer(self.distributions[i], verdicts, rows)
        if self._allowance is not None:
            self._allowance -= used
        k, n = int(self._counts[i, 0]), int(self._counts[i, 1])
        low, high = clopper_pearson(k, n, self.confidence)
        if (high - low) / 2 <= self._target(k, n) or n >= self.max_samples or self._every(i):
            self._advance()
        else:
            self._batch = min(2 * self._batch, self.max_batch)
        return []

    def progress(self) -> dict[str, Any]:
        i = min(self._current, len(self.distributions) - 1)
        k, n, q = (int(v) for v in self._counts[i])
        low, high = clopper_pearson(k, n, self.confidence)
        return {
            "distribution": self.distributions[i],
            "sampled": n,
            "discriminatory": k,
            "half_width": (high - low) / 2,
            "precision": self.precision,
            "estimate_queries": q,
        }

    def summary(self) -> dict[str, Any]:
        return {
            "estimates": [e.to_json() for e in self.estimates()],
            "not_estimated": [
                name for j, name in enumerate(self.distributions) if self._counts[j, 1] == 0
            ],
            "precision": self.precision,
            "confidence": self.confidence,
        }

    def estimates(self) -> list[Estimate]:
        """One estimate per distribution sampled so far."""
        out = []
        for j, name in enumerate(self.distributions):
            k, n, q = (int(v) for v in self._counts[j])
            if n:
                out.append(
                    Estimate.of(
                        name,
                        k,
                        n,
                        confidence=self.confidence,
                        queries=q,
                        precision=self.precision,
                        stopped="counted" if self._every(j) else self._stopped(k, n),
                        examples=self._examples(j),
                        missing=self._missing if name == "uniform" else (),
                        counted=self._every(j),
                    )
                )
        return out

    def snapshot(self) -> Snapshot:
        snap = Snapshot(
            values={
                "current": self._current,
                "batch": self._batch,
                "allowance": self._allowance,
                "counts": self._counts.tolist(),
                "order_seed": self._order_seed,
            }
        )
        for j in range(len(self.distributions)):
            snap.arrays[f"examples_{j}"] = self._ex_inputs[j].copy()
            outputs = self._ex_outputs[j]
            if outputs is not None:
                snap.arrays[f"example_outputs_{j}"] = outputs.copy()
            if self.keep is not None:  # the answer's inputs (only those kept since the last)
                for part, chunk in self.keep.appends(self.distributions[j]).items():
                    snap.appends[f"kept_{part}_{j}"] = chunk
        return snap

    def restore(self, snapshot: Snapshot) -> None:
        v = snapshot.values
        self._current = int(v["current"])
        self._batch = int(v["batch"])
        allowance = v.get("allowance")
        self._allowance = None if allowance is None else int(allowance)
        self._counts = np.asarray(v["counts"], dtype=np.int64).reshape(-1, 3)
        seed = v.get("order_seed")
        self._order_seed, self._order = (None if seed is None else int(seed)), None
        for j in range(len(self.distributions)):
            rows = snapshot.arrays.get(f"examples_{j}")
            self._ex_inputs[j] = (
                np.zeros((0, len(self.schema))) if rows is None else np.asarray(rows)
            )
            outputs = snapshot.arrays.get(f"example_outputs_{j}")
            self._ex_outputs[j] = None if outputs is None else np.asarray(outputs)
        if self.keep is not None:
            restore_kept(self.keep, self.distributions, snapshot)

    # -- internals -----------------------------------------------------------------------
    def _next_size(self, i: int) -> int:
        k, n = int(self._counts[i, 0]), int(self._counts[i, 1])
        size = self._batch
        if n:
            z2 = self.z * self.z
            p = (k + z2 / 2) / (n + z2)
            needed = math.ceil(z2 * p * (1 - p) / self._target(k, n) ** 2)
            size = min(size, max(needed - n, self.first_batch // 4, 1))
        return min(size, self.max_samples - n)

    def _sample(self, size: int) -> np.ndarray:
        if self.distributions[self._current] == "uniform":
            return self.schema.sample_uniform(self.rng, size)
        assert self.data is not None
        if self._order is None:  # (its seed kept in the snapshot: a resume goes on in it)
            if self._order_seed is None:
                self._order_seed = int(self.rng.integers(0, 2**63 - 1))
            self._order = np.random.default_rng(self._order_seed).permutation(len(self.data))
        n = int(self._counts[self._current, 1])
        rows: np.ndarray = self.data[self._order[n : n + size]]
        return rows

    def _every(self, i: int) -> bool:
        """Whether distribution ``i`` asked every row of the data (once each)."""
        return (
            self.distributions[i] == "data"
            and self.data is not None
            and int(self._counts[i, 1]) >= len(self.data)
        )

    def _record(self, i: int, verdicts: Verdicts, used: int) -> None:
        disc = verdicts.discriminatory
        self._counts[i] += (int(disc.sum()), len(disc), used)
        room = _EXAMPLES - len(self._ex_inputs[i])
        if room > 0 and disc.any():
            pick = np.flatnonzero(disc)[:room]
            ins = verdicts.inputs[pick, verdicts.generated[pick]]
            outs = verdicts.outputs[pick].astype(np.float64)
            self._ex_inputs[i] = np.concatenate([self._ex_inputs[i], ins])
            prev = self._ex_outputs[i]
            self._ex_outputs[i] = outs if prev is None else np.concatenate([prev, outs])

    def _target(self, k: int, n: int) -> float:
        """The half-width to reach: ``relative`` of the share, within [floor, precision]."""
        share = k / n if n else 0.0
        return min(self.precision, max(self.relative * share, self.floor))

    def _advance(self) -> None:
        self._current += 1
        self._batch = self.first_batch
        self._allowance = None

    def _stopped(self, k: int, n: int) -> str:
        low, high = clopper_pearson(k, n, self.confidence)
        if (high - low) / 2 <= self._target(k, n):
            return "precision"
        return "max_samples" if n >= self.max_samples else "budget"

    def _remaining(self) -> int | None:
        remaining = getattr(self.model, "remaining", None)
        if remaining is None:
            return None
        value = remaining()
        return None if value is None else int(value)

    def _queries(self) -> int | None:
        q = getattr(self.model, "queries", None)
        return int(q) if isinstance(q, int | np.integer) else None

    def _examples(self, j: int) -> list[dict[str, Any]]:
        rows, outputs = self._ex_inputs[j], self._ex_outputs[j]
        if outputs is None:
            return []
        names = [
            ", ".join(
                f"{p}={self.schema.feature(p).label(v)}"
                for p, v in zip(self.schema.protected, combo, strict=True)
            )
            for combo in self.oracle.combinations
        ]
        return [
            {
                "input": self.schema.describe_row(row.tolist()),
                "outputs": {
                    name: _output(out) for name, out in zip(names, outputs[r], strict=True)
                },
            }
            for r, row in enumerate(rows)
        ]


def _output(value: np.ndarray) -> Any:
    arr = np.asarray(value)
    if arr.ndim == 0:
        return int(arr)
    return [round(float(x), 4) for x in arr]


def estimate_share(
    schema: Schema,
    model: Model,
    rng: np.random.Generator,
    *,
    distribution: str = "uniform",
    data: np.ndarray | None = None,
    precision: float = 0.005,
    confidence: float = 0.95,
    threshold: float | None = None,
    max_samples: int = 5_000_000,
) -> Estimate:
    """Run an ``EstimateSearch`` over one distribution to its end and return the estimate.

    A budget that runs out ends the estimate early (``stopped == "budget"``); with nothing
    sampled at all, the interval is (0, 1).
    """
    search = EstimateSearch(
        schema,
        model,
        rng,
        distributions=(distribution,),
        data=data,
        precision=precision,
        confidence=confidence,
        threshold=threshold,
        max_samples=max_samples,
    )
    try:
        while not search.done:
            search.step()
    except BudgetExhausted:
        pass
    found = search.estimates()
    if found:
        return found[0]
    return Estimate.of(
        distribution, 0, 0, confidence=confidence, precision=precision, stopped="budget"
    )
