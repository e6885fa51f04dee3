"""The determinism checks' rounds: the same inputs asked again in another batch, and in the
same batch only when answers changed.

A model whose answer to an input depends on the batch it comes in (it standardises the
batch by its own statistics, a scaler fitted at predict time; it reads its answers by a
pandas index in another order) answers one batch alike twice: asking it the same batch
again does not see it, and such a model then passed every check (hostile39).  So the
second round asks the same inputs in two smaller batches unlike each other: split by a
score of each input (the sum of a row's standardised values, an image's brightness, a
sentence's length), the upper half first, each from its highest score down (``apart``).
Halves drawn alike have the batch's statistics (500 rows of adult in two random halves:
no answer changed on a model standardising age by its batch); halves split by a score do
not (44 of its 500 answers changed).  A model whose answers are a function of its input
answers them alike.  When some answer changed, a third round asks the first batch again as
it was (``again``): answered otherwise there too, the model is not deterministic (a
randomised model); answered alike, its answers depend on the batch.  A model that answers
every input alike costs the two rounds the checks always asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Rounds", "apart", "ask_rounds"]


@dataclass(frozen=True, slots=True)
class Rounds:
    """What the rounds found, per input: ``random`` answered otherwise when its own batch
    was asked again (non-determinism; None: that round was not needed), ``batch`` answered
    otherwise in another batch though alike in its own (the batch decides); ``queries`` and
    ``calls`` asked; the answers: ``first``, ``second`` (the other batches', in the first's
    order), ``again`` (the first batch's again; None: not asked)."""

    random: np.ndarray
    batch: np.ndarray
    queries: int
    calls: int
    first: np.ndarray
    second: np.ndarray
    again: np.ndarray | None = None

    @property
    def deterministic(self) -> bool:
        return not bool(self.random.any())

    @property
    def batch_bound(self) -> int:
        """Inputs answered otherwise in another batch, alike in their own (0: none, or a
        model that is not deterministic, whose changes are counted as that)."""
        return int(self.batch.sum()) if self.deterministic else 0


def apart(
    predict: Callable[[Any], Any], items: Any, scores: np.ndarray | None = None
) -> tuple[np.ndarray, int]:
    """Ask ``items`` (an array or a list) in two batches, the upper half by ``scores`` first
    and then the lower, each from its highest score down (no ``scores``: by position): the
    answers in ``items``' order, and the calls made (one for a single item)."""
    n = len(items)
    if n < 2:
        return np.asarray(predict(items)), 1
    order = np.arange(n) if scores is None else np.argsort(scores, kind="stable")
    half = n // 2
    upper, lower = order[half:][::-1], order[:half][::-1]
    first = np.asarray(predict(_taken(items, upper)))
    second = np.asarray(predict(_taken(items, lower)))
    out = np.empty((n, *first.shape[1:]), dtype=np.result_type(first.dtype, second.dtype))
    out[upper], out[lower] = first, second
    return out, 2


def _taken(items: Any, at: np.ndarray) -> Any:
    if isinstance(items, np.ndarray):
        return items[at]
    return [items[i] for i in at]


def ask_rounds(
    predict: Callable[[Any], Any],
    items: Any,
    changed: Callable[[np.ndarray, np.ndarray], np.ndarray],
    moved: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    scores: np.ndarray | None = None,
) -> Rounds:
    """The rounds above on ``items``; ``changed(a, b)``: per input, whether two answers of
    all of them differ; ``moved`` (default ``changed``): whether they differ beyond what a
    batch of another size may change in floating point (a network's kernels sum in another
    order: probabilities a few units of 1e-7 apart are not a model that depends on its
    batch), for the rows put down to the batch; ``scores``: how the second round splits
    them (``apart``)."""
    n = len(items)
    first = np.asarray(predict(items))
    second, calls = apart(predict, items, scores)
    calls += 1
    if not np.asarray(changed(first, second), dtype=bool).any():
        return Rounds(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), 2 * n, calls, first, second)
    again = np.asarray(predict(items))
    random = np.asarray(changed(first, again), dtype=bool)
    batch = np.asarray((moved or changed)(first, second), dtype=bool) & ~random
    return Rounds(random, batch, 3 * n, calls + 1, first, second, again)
