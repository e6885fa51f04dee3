"""Whole numbers answered as labels that are amounts: a regressor rounding to the euro.

A model answering integers without declared classes is read as answering class labels, each
compared with the others by equality.  A credit limit in whole euros (a pandas Series of
ints) was so read: a limit one euro apart between the sexes (rounding noise) was a "label
flip", 100 % of the data rows were discriminatory (exit 1), and the report said "no variant
gets '1'" of classes that were amounts.  ``AmountWatch`` counts the distinct answers of an
oracle's first verdicts; past ``MAX_LABELS`` distinct whole numbers the answers are amounts or
scores, not labels, and the run is refused, saying what to give (``--cutoff``, or
``--classes`` for a classifier of that many classes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from assay.errors import ModelError, UsageError

__all__ = ["MAX_LABELS", "PROBE_ROWS", "AmountWatch", "amounts_at_loading"]

MAX_LABELS = 32  # distinct labels an undeclared classifier may answer (else --classes N)
_WATCHED = 20_000  # answers looked at before the labels are taken as labels
PROBE_ROWS = 64  # inputs loading asks a model answering undeclared whole numbers


class AmountWatch:
    """The distinct whole numbers an undeclared-label model answered, up to ``MAX_LABELS``."""

    __slots__ = ("asked", "done", "seen")

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.asked = 0
        self.done = False

    def check(self, labels: np.ndarray) -> None:
        """Raise ``ModelError`` once the labels answered so far hold more than
        ``MAX_LABELS`` distinct values; stop looking after ``_WATCHED`` answers."""
        if self.done or labels.size == 0 or labels.dtype.kind not in "iu":
            return
        self.seen.update(np.unique(labels).tolist()[: MAX_LABELS + 1])
        self.asked += labels.size
        if len(self.seen) > MAX_LABELS:
            raise ModelError(
                f"{_said(self.seen)}, in a new run (a resumed run keeps this one's options)"
            )
        self.done = self.asked >= _WATCHED


def _said(seen: set[int]) -> str:
    """Why more than ``MAX_LABELS`` distinct whole numbers (``seen``) are no labels, and
    what to give."""
    shown = ", ".join(f"{v:,}" for v in sorted(seen)[:: max(1, len(seen) // 4)])
    return (
        f"the model answered more than {MAX_LABELS} distinct whole numbers as its "
        f"labels ({shown}, ...; no classes declared): these are amounts or scores (a "
        "credit limit rounded to the euro, a score in points), not classes, and "
        "compared as labels any difference, one unit of rounding, would be "
        "discrimination; give the cutoff at which the application decides on them, "
        "--cutoff C (in Python cutoff=C), or, for a classifier of that many classes, "
        "declare them (--classes N)"
    )


def amounts_at_loading(
    model: Any, rows: Any, timed: Callable[[Callable[[], Any]], Any] | None = None
) -> np.ndarray:
    """Ask ``model`` (answering whole numbers, no classes declared; served too) loading's
    ``rows`` (``PROBE_ROWS`` of them, decoded: the data's first, then uniform ones) and refuse
    (``UsageError``, before any run) more than ``MAX_LABELS`` distinct answers: the watch
    refused them only once a run was made (its determinism check, or its search's second
    round), as a model failure (exit 3).  ``timed`` runs the call (``--call-timeout``).
    Returns the answer (``known_classes`` checks it too)."""
    ask = timed if timed is not None else (lambda call: call())
    answer = np.asarray(ask(lambda: model.predict(rows))).reshape(-1)
    if answer.dtype.kind not in "iu":
        return answer
    seen = set(np.unique(answer).tolist())
    if len(seen) > MAX_LABELS:
        raise UsageError(
            f"{_said(seen)}; asked {len(answer)} inputs while loading", argument="--cutoff"
        )
    return answer
