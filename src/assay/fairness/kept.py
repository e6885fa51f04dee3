"""The estimate phase's samples, kept for the answer so that its queries are not paid twice.

The estimate draws i.i.d. inputs (uniform over the space, or data rows with replacement) and asks
the model about every combination of protected values.  ``KeptSamples`` keeps the first ``cap``
of them per distribution with the model's answers; ``per_attribute`` turns them into what the
answer needs for one attribute: each input with every value of that attribute (the other
protected attributes at the input's own values), the verdicts as a one-attribute oracle gives
them.  The first ``cap`` draws of an i.i.d. sequence are i.i.d. whoever draws them, so the answer
may top up the kept ones with fresh draws of its own and its intervals stay valid.

Kept with the run's checkpoints too (``appends``: each writes only the rows kept since the one
before), so that a run resumed after its estimate began answers from the same inputs as the run
not resumed (it once kept only what it drew after the resume: another answer).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay.core.checkpoint import Snapshot
from assay.core.model import Model
from assay.fairness.oracle import Oracle, Verdicts
from assay.fairness.schema import Schema

__all__ = ["KeptSamples", "per_attribute", "restore_kept"]


class KeptSamples:
    """Up to ``cap`` inputs per distribution with the model's raw answers for every protected
    combination (``Verdicts.outputs``)."""

    def __init__(self, cap: int) -> None:
        self.cap = int(cap)
        self._rows: dict[str, list[np.ndarray]] = {}
        self._outputs: dict[str, list[np.ndarray]] = {}
        self._logged: dict[str, int] = {}  # rows already in a checkpoint, per distribution

    def count(self, distribution: str) -> int:
        return sum(len(r) for r in self._rows.get(distribution, []))

    def offer(self, distribution: str, verdicts: Verdicts, rows: np.ndarray) -> None:
        """Keep the first rows of a batch the estimate evaluated (every combination)."""
        if verdicts.combos is not None:
            return  # only batches asked with every combination
        room = self.cap - self.count(distribution)
        if room <= 0:
            return
        self._rows.setdefault(distribution, []).append(np.array(rows[:room], dtype=np.float64))
        self._outputs.setdefault(distribution, []).append(np.array(verdicts.outputs[:room]))

    def take(self, distribution: str, n: int) -> tuple[np.ndarray, np.ndarray] | None:
        """The first ``n`` kept rows (fewer when fewer were kept) and their outputs."""
        rows = self._rows.get(distribution)
        if not rows:
            return None
        outputs = self._outputs[distribution]
        all_rows = np.concatenate(rows)[:n]
        all_out = np.concatenate(outputs)[:n]
        return all_rows, all_out

    def appends(self, distribution: str) -> dict[str, np.ndarray]:
        """The rows and outputs kept since the previous call (``Snapshot.appends``: ``rows``,
        ``outputs``); none when nothing new was kept or the outputs are not plain arrays."""
        n, logged = self.count(distribution), self._logged.get(distribution, 0)
        if n <= logged:
            return {}
        taken = self.take(distribution, n)
        assert taken is not None
        rows, outputs = taken
        if outputs.dtype == object:
            return {}  # (the answer then draws them afresh: as before they were kept)
        self._logged[distribution] = n
        return {"rows": rows[logged:], "outputs": outputs[logged:]}

    def restore(
        self, distribution: str, rows: np.ndarray | None, outputs: np.ndarray | None
    ) -> None:
        """Keep what a checkpoint kept (all its chunks, concatenated) in place of anything."""
        self._rows.pop(distribution, None)
        self._outputs.pop(distribution, None)
        self._logged[distribution] = 0
        if rows is None or outputs is None or not len(rows) or len(rows) != len(outputs):
            return
        self._rows[distribution] = [np.asarray(rows, dtype=np.float64)[: self.cap]]
        self._outputs[distribution] = [np.asarray(outputs)[: self.cap]]
        self._logged[distribution] = self.count(distribution)


def restore_kept(keep: KeptSamples, distributions: Sequence[str], snapshot: Snapshot) -> None:
    """What the checkpoints ``snapshot`` holds kept for every one of ``distributions`` (in
    the estimate's order: ``kept_rows_J``, ``kept_outputs_J``), in place of anything."""
    for j, name in enumerate(distributions):
        rows = snapshot.appends.get(f"kept_rows_{j}")
        keep.restore(name, rows, snapshot.appends.get(f"kept_outputs_{j}"))


def per_attribute(
    schema: Schema,
    model: Model,
    attribute: str,
    rows: np.ndarray,
    outputs: np.ndarray,
    threshold: float | None,
) -> Verdicts:
    """The verdicts for ``attribute`` alone from the answers on every protected combination.

    ``schema``: with every protected attribute (as the estimate ran); ``outputs``: (n, K, ...)
    in the order of ``schema.protected_combinations()``."""
    combos = schema.protected_combinations()
    i = list(schema.protected).index(attribute)
    own = rows[:, schema.protected_indices]
    others = [j for j in range(combos.shape[1]) if j != i]
    match = np.ones((len(rows), len(combos)), dtype=bool)
    for j in others:
        match &= np.isclose(combos[None, :, j], own[:, j : j + 1])
    single = Oracle(schema.with_protected([attribute]), model, threshold=threshold)
    k = single.K
    idx = np.nonzero(match)[1].reshape(len(rows), k)
    # in the order of the attribute's values, as the one-attribute oracle lists them
    idx = np.take_along_axis(idx, np.argsort(combos[idx, i], axis=1, kind="stable"), axis=1)
    picked = np.take_along_axis(outputs, idx.reshape(idx.shape + (1,) * (outputs.ndim - 2)), axis=1)
    inputs = single.variants(rows)
    raw = picked.reshape(len(rows) * k, *picked.shape[2:])
    return single.verdicts(rows, inputs, raw)
