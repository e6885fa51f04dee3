"""The answer's own samples check the trees the exact analysis read, at no query.

The answer asks the model each sampled input (and data row) with every value of the
attribute; the trees as read must give the same class for each.  The check of the reading
(``exact.checked``) asks 256 uniform inputs, which a misreading confined to a small part of
the domain (40 zip codes in 90,000) passes, while the data rows sit exactly there: an exact
data share of 10.9 % was reported for the model's 21.2 %.  A zero contradicted by the samples
was already withdrawn (``verdict._contradicted``); this withdraws any figure whose trees the
samples contradict.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.fairness.exact.analysis import ExactResult
from assay.fairness.schema import Schema

__all__ = ["misread"]


def misread(
    schema: Schema, attribute: str, ex: ExactResult, samples: list[tuple[Any, str]]
) -> str | None:
    """Why ``ex`` is withdrawn: the trees it read class some of ``samples`` (the answer's
    ``_Sample``s, named: "uniform inputs", "data rows") otherwise than the model answered
    them, with some value of ``attribute``; None when they agree (or the figures are the
    model's own answers)."""
    if ex.classes_of is None:
        return None
    j = schema.index(attribute)
    f = schema.feature(attribute)
    values = np.arange(f.encoded_low, f.encoded_high + 1, dtype=np.float64)
    found = []
    for s, what in samples:
        if s is None or not len(s.rows) or s.classes.shape[1] != len(values):
            continue
        rows = np.asarray(s.rows, dtype=np.float64)
        differ = np.zeros(len(rows), dtype=bool)
        for k, v in enumerate(values):
            varied = rows.copy()
            varied[:, j] = v
            mine = np.asarray(ex.classes_of(varied)).astype(np.int64)
            differ |= mine != s.classes[:, k]
        if differ.any():
            found.append(f"{int(differ.sum()):,} of the answer's {len(rows):,} {what}")
    if not found:
        return None
    return (
        f"the trees the exact analysis read class {' and '.join(found)} otherwise than the "
        f"model answers them (with some value of {attribute}): they do not answer as the "
        "model does there, so their exact figures (and any certificate) are withdrawn; the "
        "sampled figures stand"
    )
