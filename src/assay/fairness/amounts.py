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

import numpy as np

from assay.errors import ModelError

__all__ = ["MAX_LABELS", "AmountWatch"]

MAX_LABELS = 32  # distinct labels an undeclared classifier may answer (else --classes N)
_WATCHED = 20_000  # answers looked at before the labels are taken as labels


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
            shown = ", ".join(f"{v:,}" for v in sorted(self.seen)[:: max(1, len(self.seen) // 4)])
            raise ModelError(
                f"the model answered more than {MAX_LABELS} distinct whole numbers as its "
                f"labels ({shown}, ...; no classes declared): these are amounts or scores (a "
                "credit limit rounded to the euro, a score in points), not classes, and "
                "compared as labels any difference, one unit of rounding, would be "
                "discrimination; give the cutoff at which the application decides on them, "
                "--cutoff C (in Python cutoff=C), or, for a classifier of that many classes, "
                "declare them (--classes N), in a new run (a resumed run keeps this one's "
                "options)"
            )
        self.done = self.asked >= _WATCHED
