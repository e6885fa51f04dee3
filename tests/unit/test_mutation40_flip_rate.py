"""mutation40: fairness's flip check (``fairness.determinism.flip_rate``) split by the rows'
standardised sums, and float noise between batches not taken for a batch-bound model.

hostile39b's tests ran whole runs on adult: halves drawn by position (a random split, which
keeps the batch's statistics) and the batch tolerance dropped (probabilities 1e-6 apart in a
batch of another size counted as the batch deciding) passed them."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.model import Capabilities
from assay.core.rng import generator
from assay.fairness.determinism import flip_rate
from assay.fairness.schema import Feature, Schema

SCHEMA = Schema(
    (
        Feature("x", "integer", 0, 50),
        Feature("y", "integer", 0, 50),
        Feature("sex", "integer", 0, 1),
    ),
    protected=("sex",),
)


class _Model:
    def __init__(self, answer: Any, outputs: str = "labels") -> None:
        self.answer = answer
        self.asked: list[np.ndarray] = []
        self.capabilities = Capabilities("tabular", 2, outputs)  # type: ignore[arg-type]

    def predict(self, rows: np.ndarray) -> np.ndarray:
        self.asked.append(np.asarray(rows).copy())
        return np.asarray(self.answer(np.asarray(rows, dtype=float)))


def _standardised_sum(rows: np.ndarray) -> np.ndarray:
    spread = rows.std(axis=0)
    return np.asarray(((rows - rows.mean(axis=0)) / np.where(spread > 0, spread, 1.0)).sum(axis=1))


def test_the_second_round_asks_the_rows_of_highest_standardised_sum_first() -> None:
    model = _Model(lambda x: (x[:, 0] > 25).astype(np.int64))
    check = flip_rate(SCHEMA, model, generator(3), n=40)  # type: ignore[arg-type]
    assert check["deterministic"] is True and check["batch_changed"] == 0
    rows, upper, lower = model.asked  # (steady: two rounds, three calls)
    assert len(upper) == len(lower) == 20
    z = _standardised_sum(rows)
    # every row of the first half above every row of the second, each half highest first
    firsts = [int(np.flatnonzero((rows == r).all(axis=1))[0]) for r in upper]
    seconds = [int(np.flatnonzero((rows == r).all(axis=1))[0]) for r in lower]
    assert min(z[firsts]) >= max(z[seconds])
    assert list(z[firsts]) == sorted(z[firsts], reverse=True)


def test_probabilities_a_float_s_noise_apart_in_another_batch_are_not_the_batch() -> None:
    """Answers 5e-6 apart when the batch's size changes (a network's kernels summing in
    another order): beyond the flip check's 1e-6, within the batch's 1e-4: asked a third time
    (alike), and neither random nor put down to the batch."""

    def noisy(x: np.ndarray) -> np.ndarray:
        p = 0.3 + 0.4 * (x[:, 0] > 25) + (5e-6 if len(x) < 40 else 0.0)
        return np.column_stack([1 - p, p])

    model = _Model(noisy, "proba")
    check = flip_rate(SCHEMA, model, generator(3), n=40)  # type: ignore[arg-type]
    assert len(model.asked) == 4  # (the answers changed: the first batch asked again)
    assert check["changed"] == 0 and check["deterministic"] is True
    assert check["batch_changed"] == 0 and check["queries_asked"] == 120


def test_a_label_change_within_the_tolerance_is_a_change() -> None:
    """Probabilities 1e-7 apart that cross 0.5 name another class: answered otherwise."""
    flip = iter([0.0, 2e-7, 2e-7, 0.0])

    def edge(x: np.ndarray) -> np.ndarray:
        p = np.full(len(x), 0.5 - 1e-7) + next(flip)
        return np.column_stack([1 - p, p])

    model = _Model(edge, "proba")
    check = flip_rate(SCHEMA, model, generator(3), n=40)  # type: ignore[arg-type]
    assert check["batch_changed"] == 40 and check["changed"] == 0
