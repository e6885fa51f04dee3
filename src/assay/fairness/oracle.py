"""The discrimination oracle: asks the model about every protected variant of each row.

An encoded row ``x`` is discriminatory when some row that differs from it only in the
protected attributes gets a different label, or, with a threshold ``G`` on a probabilistic
model, also when some class probability differs by more than ``G`` between two of the rows
(a label flip always counts, with or without ``G``).
Every combination of protected values is checked, all rows in one batched model call; a
search may instead name the combinations to query per row (``combos``: the row's own and the
variants most likely to flip), and a finding then holds the variants actually queried.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.calls import Call
from assay.core.findings import FindingBatch
from assay.core.keys import row_keys
from assay.core.model import Capabilities, Model, labels_of
from assay.errors import ModelError, UsageError
from assay.fairness.amounts import AmountWatch
from assay.fairness.lattice import snap_columns
from assay.fairness.schema import Schema

__all__ = ["KIND", "Gathered", "Oracle", "PendingVerdicts", "Verdicts"]

KIND = "fairness.idi"
_PACK_LIMIT = 2**62


@dataclass(frozen=True)
class Verdicts:
    """The oracle's answer for ``n`` rows and their ``K`` protected variants."""

    discriminatory: np.ndarray  # (n,) bool
    inputs: np.ndarray  # (n, K, d) encoded: each row with every protected combination (or m)
    outputs: np.ndarray  # (n, K) labels, or (n, K, c) probabilities
    severity: np.ndarray  # (n,) in [0, 1]: largest probability gap (1.0 for a label flip)
    generated: np.ndarray  # (n,) position (in axis 1) of the protected combination the row had
    combos: np.ndarray | None = None  # (n, m): combinations queried, when not all K
    found: Gathered | None = None  # the discriminatory rows' columns, when gathered already

    def __len__(self) -> int:
        return len(self.discriminatory)


@dataclass(frozen=True)
class Gathered:
    """The columns of a ``Verdicts``' discriminatory rows, in order, as findings hold them
    (gathered with the verdicts, on the thread that received the model's answer)."""

    index: np.ndarray  # (k,) their positions
    inputs: np.ndarray  # (k, K, d) in the oracle's ``input_dtype``
    outputs: np.ndarray
    severity: np.ndarray
    generated: np.ndarray


class _Early:
    """Verdicts computed where the model call ran (see ``Oracle.submit``)."""

    __slots__ = ("verdicts",)

    def __init__(self) -> None:
        self.verdicts: Verdicts | None = None


class PendingVerdicts:
    """Verdicts whose model call was submitted; ``result`` waits for the answers."""

    def __init__(
        self,
        oracle: Oracle,
        rows: np.ndarray,
        inputs: np.ndarray,
        raw: Call | np.ndarray,
        combos: np.ndarray | None = None,
        early: _Early | None = None,
    ) -> None:
        self.oracle, self.rows, self.inputs, self._raw = oracle, rows, inputs, raw
        self.combos = combos
        self._early = early

    def __len__(self) -> int:
        return len(self.rows)

    def result(self) -> Verdicts:
        raw = self._raw if isinstance(self._raw, np.ndarray) else self._raw.result()
        early = self._early.verdicts if self._early is not None else None
        if early is not None:
            return early
        return self.oracle.verdicts(self.rows, self.inputs, raw, self.combos)


class Oracle:
    """Decides which encoded rows are discriminatory, and turns them into findings.

    ``model`` takes encoded rows (usually a ``BudgetedModel`` over an ``EncodedModel``).
    """

    def __init__(self, schema: Schema, model: Model, *, threshold: float | None = None) -> None:
        caps = model.capabilities
        if threshold is not None:
            if caps.outputs != "proba":
                raise UsageError(
                    "a probability threshold needs a model that returns probabilities; "
                    "this model returns labels only",
                    argument="--threshold",
                )
            if not np.isfinite(threshold) or threshold < 0:
                raise UsageError(
                    f"must be a non-negative number, not {threshold}", argument="--threshold"
                )
        self.schema = schema
        self.model = model
        self.threshold = None if threshold is None else float(threshold)
        # whole numbers answered without declared classes: labels, or amounts (fairness.amounts)
        undeclared = caps.outputs == "labels" and not caps.n_classes and not caps.class_names
        self._amounts = AmountWatch() if undeclared else None
        self.combinations = schema.protected_combinations()  # (K, p); raises if none
        self.K = len(self.combinations)
        self.protected = np.asarray(schema.protected_indices, dtype=np.int64)
        d = len(schema)
        self.free = np.setdiff1d(np.arange(d), self.protected)
        lows, highs = schema.lows, schema.highs
        sizes = (highs - lows + 1)[self.protected]
        self._p_lows = lows[self.protected]
        self._p_strides = np.ones(len(self.protected), dtype=np.int64)
        for j in range(len(self.protected) - 2, -1, -1):
            self._p_strides[j] = self._p_strides[j + 1] * int(sizes[j + 1])
        self._pack = _packing(schema, self.free)
        self._free_lattice = schema.lattice[self.free]  # (hashed keys: rounding is no class)
        self._pack_exact_float = _space(schema, self.free) < 2**53
        # the fast form of the packing: whole rows times strides (0 for protected columns),
        # less the lows' share; exact in floats when every partial sum stays below 2**53
        self._row_strides: np.ndarray | None = None
        self._row_offset = 0.0
        if self._pack is not None:
            p_lows, p_strides = self._pack
            reach = np.maximum(np.abs(lows), np.abs(highs))[self.free]
            if float(np.sum(reach * p_strides.astype(np.float64))) < 2**52:
                self._row_strides = np.zeros(d)
                self._row_strides[self.free] = p_strides.astype(np.float64)
                self._row_offset = float(p_lows @ p_strides.astype(np.float64))
        self.input_dtype = _smallest_dtype(schema)
        self._details: dict[str, Any] = {
            "features": schema.names,
            "protected": list(schema.protected),
            "threshold": self.threshold,
        }

    # -- evaluation ----------------------------------------------------------------------
    def variants(self, rows: np.ndarray, combos: np.ndarray | None = None) -> np.ndarray:
        """Each row with every protected combination: shape (n, K, d); with ``combos``
        (n, m) combination indices per row, only those: shape (n, m, d)."""
        rows = np.asarray(rows, dtype=np.float64)
        n, d = rows.shape
        if combos is None:
            out = np.repeat(rows, self.K, axis=0)
            for j, col in enumerate(self.protected):
                out[:, col] = np.tile(self.combinations[:, j], n)
            return out.reshape(n, self.K, d)
        m = combos.shape[1]
        out = np.repeat(rows, m, axis=0)
        values = self.combinations[combos.reshape(-1)]
        for j, col in enumerate(self.protected):
            out[:, col] = values[:, j]
        return out.reshape(n, m, d)

    def generated_index(self, rows: np.ndarray) -> np.ndarray:
        """Index (0..K-1) of the protected combination each row has."""
        codes = np.rint(rows[:, self.protected] - self._p_lows).astype(np.int64)
        idx: np.ndarray = np.clip(codes @ self._p_strides, 0, self.K - 1)
        return idx

    def evaluate(self, rows: np.ndarray, *, fresh: bool = False) -> Verdicts:
        """Ask the model about every variant of every row, in one call.

        ``fresh``: the caller guarantees these classes were never evaluated in this run, so a
        budgeted model may skip its cache (``predict_fresh``).
        """
        return self.submit(rows, fresh=fresh).result()

    def submit(
        self, rows: np.ndarray, *, fresh: bool = False, combos: np.ndarray | None = None
    ) -> PendingVerdicts:
        """As ``evaluate``, but returns as soon as the model call is submitted: with a model
        that has ``submit_fresh`` (a ``BudgetedModel``), ``fresh`` calls may run in the
        background while the caller goes on.  Budgets are checked (and queries counted) now.

        ``combos`` (n, m): query each row only with these protected combinations (indices
        into ``combinations``, each row's own among them, in increasing order); a row is
        then discriminatory when two of its m variants differ.
        """
        if combos is not None:
            combos = np.asarray(combos, dtype=np.int64)
            if combos.ndim != 2 or len(combos) != len(rows) or combos.shape[1] < 2:
                raise ValueError(f"combos must have shape (n, m >= 2), not {combos.shape}")
        rows = np.asarray(rows, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != len(self.schema):
            raise UsageError(f"rows must have shape (n, {len(self.schema)}), not {rows.shape}")
        inputs = self.variants(rows, combos)
        flat = inputs.reshape(len(rows) * inputs.shape[1], -1)
        if not len(rows):
            empty = _empty_outputs(self.model.capabilities)
            return PendingVerdicts(self, rows, inputs, empty, combos)
        submit = getattr(self.model, "submit_fresh", None) if fresh else None
        if callable(submit):
            # the verdicts, and the findings' columns, are computed as soon as the answer is
            # there, on the thread that received it (a background caller's: not the search's)
            early = _Early()

            def then(raw: np.ndarray) -> None:
                early.verdicts = self.verdicts(rows, inputs, raw, combos, gather=True)

            call: Call = submit(flat, then=then)
            return PendingVerdicts(self, rows, inputs, call, combos, early)
        return PendingVerdicts(self, rows, inputs, np.asarray(self.model.predict(flat)), combos)

    def verdicts(
        self,
        rows: np.ndarray,
        inputs: np.ndarray,
        raw: np.ndarray,
        combos: np.ndarray | None = None,
        *,
        gather: bool = False,
    ) -> Verdicts:
        """The verdicts on ``rows`` from the model's answers ``raw`` on their ``inputs``
        (every combination, or the ``combos`` queried per row).  ``gather``: with the
        discriminatory rows' columns gathered as ``findings`` takes them (``Verdicts.found``)."""
        n = len(rows)
        m = self.K if combos is None else combos.shape[1]
        caps = self.model.capabilities
        raw = np.asarray(raw)
        if caps.outputs == "proba":
            outputs = raw.reshape(n, m, -1)
            if outputs.shape[2] == 1 and self.threshold is None:
                _one_probability(outputs)
            low, high = _spread(outputs)
            gap = _row_max(high - low)
            if outputs.shape[2] == 2 and not np.isnan(gap).any():
                # two classes: the label is 1 where p1 > p0 (argmax's first-of-equals rule),
                # one comparison rather than an argmax over a short strided axis
                labels: np.ndarray = outputs[:, :, 1] > outputs[:, :, 0]
            else:
                labels = labels_of(raw.reshape(n * m, -1), caps).reshape(n, m)
            disc = _differ(labels)
            if self.threshold is not None:  # a label flip, or a gap above G
                disc |= gap > self.threshold
            severity = np.minimum(gap, 1.0)  # gap >= 0 (or NaN, kept)
        else:
            outputs = raw.reshape(n, m, *raw.shape[1:])
            if self._amounts is not None:
                self._amounts.check(outputs)
            disc = _differ(outputs)
            severity = disc.astype(np.float64)
        own = self.generated_index(rows)
        if combos is not None:  # the position of the row's own combination among those queried
            own = np.argmax(combos == own[:, None], axis=1).astype(np.int64)
        disc = np.asarray(disc, dtype=bool)
        found = None
        if gather:
            idx = np.flatnonzero(disc)  # np.take: row gathers several times faster than a mask
            found = Gathered(
                index=idx,
                inputs=np.take(inputs, idx, axis=0).astype(self.input_dtype, copy=False),
                outputs=np.take(outputs, idx, axis=0),
                severity=np.take(severity, idx),
                generated=np.take(own, idx),
            )
        return Verdicts(
            discriminatory=disc,
            inputs=inputs,
            outputs=outputs,
            severity=severity,
            generated=own,
            combos=combos,
            found=found,
        )

    # -- identity ------------------------------------------------------------------------
    def class_keys(self, rows: np.ndarray) -> np.ndarray:
        """A uint64 key per row, equal for rows that differ only in protected attributes.

        Exact (a mixed-radix packing) when the non-protected space is discrete and has fewer
        than 2**62 points; a 64-bit hash of the non-protected values otherwise, continuous
        ones on their lattice (``lattice``: values equal within float rounding are one class).
        """
        rows = np.asarray(rows, dtype=np.float64)
        if self._row_strides is not None:  # no column gather: a third of the time
            keys = np.rint(rows) @ self._row_strides
            if self._row_offset:
                keys -= self._row_offset
            packed_rows: np.ndarray = keys.astype(np.uint64)
            return packed_rows
        if self._pack is not None:
            lows, strides = self._pack
            codes = np.rint(rows[:, self.free]) - lows
            if self._pack_exact_float:  # every partial sum < 2**53: BLAS is exact
                packed: np.ndarray = (codes @ strides.astype(np.float64)).astype(np.uint64)
                return packed
            return codes.astype(np.uint64) @ strides  # type: ignore[no-any-return]
        return row_keys(snap_columns(rows[:, self.free], self._free_lattice))

    def from_feature_order(self, keys: np.ndarray) -> np.ndarray:
        """Keys packed with the digits in feature order (snapshots made by assay before the
        fewest-values-first order) as ``class_keys`` packs them now; hashed keys unchanged."""
        keys = np.asarray(keys, dtype=np.uint64)
        if self._pack is None or not len(keys):
            return keys
        lows, strides = self._pack
        sizes = [int(h - lo + 1) for h, lo in zip(self.schema.highs[self.free], lows, strict=True)]
        rest = keys.copy()
        out = np.zeros(len(keys), dtype=np.uint64)
        for j, size in enumerate(sizes):
            out += (rest % np.uint64(size)) * strides[j]
            rest //= np.uint64(size)
        return out

    # -- findings ------------------------------------------------------------------------
    def findings(
        self, verdicts: Verdicts, mask: np.ndarray | None = None, **columns: np.ndarray
    ) -> FindingBatch:
        """Findings (kind ``fairness.idi``) for the rows in ``mask`` (default: discriminatory).

        Each extra column has one value per verdict row (or one per selected row).
        """
        n = len(verdicts.discriminatory)
        sel = verdicts.discriminatory if mask is None else np.asarray(mask)
        if sel.dtype != bool:
            sel = np.isin(np.arange(n), sel)
        found = verdicts.found if sel is verdicts.discriminatory else None
        if found is None:
            idx = np.flatnonzero(sel)  # np.take: row gathers several times faster than a mask
            found = Gathered(
                index=idx,
                inputs=np.take(verdicts.inputs, idx, axis=0).astype(self.input_dtype, copy=False),
                outputs=np.take(verdicts.outputs, idx, axis=0),
                severity=np.take(verdicts.severity, idx),
                generated=np.take(verdicts.generated, idx),
            )
        count = len(found.index)
        cols: dict[str, np.ndarray] = {"generated": found.generated}
        for name, col in columns.items():
            col = np.asarray(col)
            if len(col) == n:
                cols[name] = np.take(col, found.index, axis=0)
            elif len(col) == count:
                cols[name] = col
            else:
                raise ValueError(f"column {name!r} has {len(col)} values; expected {n} or {count}")
        return FindingBatch(
            kind=KIND,
            inputs=found.inputs,
            outputs=found.outputs,
            severity=found.severity,
            columns=cols,
            details=dict(self._details),
        )


def _spread(outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elementwise min and max over the K variants (axis 1), one variant at a time
    (much faster than a strided reduction when K is small)."""
    low = outputs[:, 0].copy()
    high = low.copy()
    for k in range(1, outputs.shape[1]):
        np.minimum(low, outputs[:, k], out=low)
        np.maximum(high, outputs[:, k], out=high)
    return low, high


def _row_max(a: np.ndarray) -> np.ndarray:
    """``a.max(axis=1, initial=0.0)`` of a 2-D array, one column at a time (much faster than
    a reduction over a short strided axis); NaN propagates as there."""
    out = np.zeros(len(a), dtype=a.dtype)
    for j in range(a.shape[1]):
        np.maximum(out, a[:, j], out=out)
    return out


def _differ(labels: np.ndarray) -> np.ndarray:
    """Whether the K labels of each row are not all equal."""
    first = labels[:, 0]
    out = np.zeros(len(labels), dtype=bool)
    for k in range(1, labels.shape[1]):
        out |= labels[:, k] != first
    return out


def _empty_outputs(caps: Capabilities) -> np.ndarray:
    return np.zeros((0, 1)) if caps.outputs == "proba" else np.zeros(0, dtype=np.int64)


def _packing(schema: Schema, free: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(lows, strides) for exact keys of the non-protected values, when they fit.

    The features with the fewest values take the lowest digits: classes a search visits one
    after another then get closer keys, and the sorted sets of the resume state, stored as
    the gaps between neighbours, get smaller (about a sixth on Adult).
    """
    if not schema.discrete[free].all():
        return None
    lows = schema.lows[free]
    sizes = (schema.highs[free] - lows + 1).astype(np.int64)
    total = 1
    strides = np.zeros(len(free), dtype=np.uint64)
    for j in np.argsort(sizes, kind="stable").tolist():
        strides[j] = total
        total *= int(sizes[j])
        if total >= _PACK_LIMIT:
            return None
    return lows, strides


def _space(schema: Schema, free: np.ndarray) -> float:
    """Number of combinations of the non-protected values (inf when continuous)."""
    if not schema.discrete[free].all():
        return float("inf")
    sizes = schema.highs[free] - schema.lows[free] + 1
    with np.errstate(over="ignore"):  # (thousands of columns: inf, as it should be)
        return float(np.prod(sizes, dtype=np.float64))


def _smallest_dtype(schema: Schema) -> np.dtype[Any]:
    """The smallest dtype that holds every encoded value exactly."""
    if not schema.discrete.all():
        return np.dtype(np.float64)
    lo, hi = float(schema.lows.min()), float(schema.highs.max())
    for t in (np.int8, np.int16, np.int32, np.int64):
        info = np.iinfo(t)
        if info.min <= lo and hi <= info.max:
            return np.dtype(t)
    return np.dtype(np.float64)


def _one_probability(outputs: np.ndarray) -> None:
    """One value per input is decided as the probability of the second class (``> 0.5``).
    A value outside [0, 1] is none (a regressor's, an income; a logit): so read, every
    input got one decision while the values followed the protected attribute, and the run
    passed (exit 0, "none found").  With ``--threshold`` their gaps are compared too, and
    any gap above it is found."""
    if outputs.size == 0 or (outputs.min() >= 0.0 and outputs.max() <= 1.0):
        return
    flat = outputs.reshape(-1)
    bad = (flat < 0.0) | (flat > 1.0)
    whole = bool(np.all(np.isfinite(flat)) and np.all(flat == np.round(flat)))
    raise ModelError(
        f"the model answered {flat[int(np.argmax(bad))]:g} ({int(bad.sum()):,} of "
        f"{flat.size:,} answers outside [0, 1]): one value per input is decided as the "
        "probability of the second class (above 0.5), and this is none (a regressor's value, "
        "or a logit): "
        + (
            # whole numbers as floats: class labels the model answered in a float array
            "if these are class labels, answer them as integers (np.asarray(labels)"
            ".astype(int)), not floats; else answer one probability per class"
            if whole
            else "answer class labels, or one probability per class (for a logit z, "
            "np.column_stack([1 - p, p]) with p = 1 / (1 + np.exp(-z)))"
        )
        + "; or give the cutoff at which the application decides on the value, --cutoff C "
        "(in Python cutoff=C), in a new run (a resumed run keeps this one's options)"
    )
