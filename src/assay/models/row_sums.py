"""Rows of declared classes that do not add up to 1, refused when loading reads them.  A
function declaring ``classes_`` and answering one row per input is read as class
probabilities (one-hot rows too); a multi-hot row (``[1, 1]``: several classes at once, a
multi-label model's thresholded sigmoids) or any row of values in [0, 1] adding up to more
or less than 1 was accepted at loading and failed the run on its first batch ("class
probabilities for input 0 sum to 2, not 1", exit 3, a failed run stored: hostile44t).  Rows
outside [0, 1] (logits) are read by their largest value, as the run reads them."""

from __future__ import annotations

import numpy as np

from assay.core.model import ModelInputs, describe_input
from assay.errors import UsageError

__all__ = ["TOLERANCE", "refuse_rows_not_one"]

TOLERANCE = 0.02  # as the run's own check (``models.checked``)


def refuse_rows_not_one(answer: np.ndarray, probe: ModelInputs, who: str) -> None:
    """Refuse (``UsageError``, before any run) an answer to ``probe`` of rows of values in
    [0, 1] per declared class of which some do not add up to 1."""
    out = np.asarray(answer, dtype=np.float64)
    if out.ndim != 2 or not out.size or out.min() < 0.0 or out.max() > 1.0:
        return
    off = np.abs(out.sum(axis=1) - 1.0) > TOLERANCE
    if not off.any():
        return
    i = int(np.argmax(off))
    row = np.round(out[i], 4).tolist()
    hot = bool(np.isin(out, (0.0, 1.0)).all())
    what = (
        "rows of 0 and 1 per declared class marking several classes at once (multi-hot, as a "
        "multi-label model's thresholded scores answer) or none"
        if hot
        else "rows of values per declared class that are not probabilities of one class"
    )
    raise UsageError(
        f"{who} answered {what}: the row for input {i} adds up to {out[i].sum():.4g}, not 1 "
        f"({row}; {int(off.sum()):,} of {len(out):,} rows of the probe batch do not), first "
        f"such input: {describe_input(probe, i)}; answer one label per input, or one "
        "probability per class adding up to 1 (a one-hot row, e.g. [0, 1])",
        argument="MODEL",
    )
