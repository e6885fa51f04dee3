"""A trigger confirmed on clean images of one class, asked of images scanned of other classes.

The input scan confirms a trigger by pasting it on clean images the model puts in other classes
than its target.  When those are all of one class c (clean images all '0's), a confirmation
says "turns 0s into X", never "sends every class": a piece of an X that turns 0s into X passes
(bd36b: 10 of 40 clean digits flagged so).  A trigger sends every class; the images scanned
that the model puts in a third class (neither c nor the target; the image itself and those
carrying a trigger already confirmed left out) stand in for the missing clean classes: the
candidate's pixels pasted on them must send ``ACROSS_RATE`` of them to its target.  Measured
(bench/RESULTS.md, stuck37; ``/work/scratch/stuck37/standin.py``): on the trojaned 8x8 digits
MLP with clean '0's, the 20 poisoned images' trigger sent 100 % of 29 stand-ins, the 10 false
flags 4-45 %.  Fewer than ``MIN_STANDINS`` stand-ins: no check (the run's one-class warning
stands).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay.backdoor.patches import Box, Trigger, paste, trigger_present
from assay.backdoor.verdicts import Labeler

__all__ = ["ACROSS_RATE", "MIN_STANDINS", "STANDINS", "across_classes"]

ACROSS_RATE = 0.7  # of the stand-ins a trigger must send to its target
MIN_STANDINS = 5
STANDINS = 20  # the first ones in image order (deterministic, as a resumed scan repeats it)


def across_classes(
    image: np.ndarray,
    box: Box,
    label: int,
    labels: Labeler,
    verify_labels: np.ndarray,
    index: int,
    scanned: np.ndarray | None,
    scanned_labels: np.ndarray | None,
    known: Sequence[Trigger] = (),
) -> float | None:
    """The share of the stand-ins (above) that the box's pixels of ``image`` send to
    ``label``, when the clean images outside ``label`` are all of one class and there are at
    least ``MIN_STANDINS`` stand-ins; None when not asked."""
    others = np.unique(verify_labels[verify_labels != label])
    if len(others) != 1 or scanned is None or scanned_labels is None:
        return None
    scanned_labels = np.asarray(scanned_labels)
    mine = np.flatnonzero(
        (scanned_labels >= 0) & (scanned_labels != label) & (scanned_labels != int(others[0]))
    )
    mine = mine[mine != index]
    for trigger in known:
        if len(mine):
            mine = mine[~trigger_present(scanned[mine], trigger, masked=False)]
    mine = mine[:STANDINS]
    if len(mine) < MIN_STANDINS:
        return None
    t, left, h, w = box
    pasted = paste(scanned[mine], image[t : t + h, left : left + w, :], box)
    return float(np.mean(labels(pasted) == label))
