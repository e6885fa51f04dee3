"""The model's answer to a couple of clean images, checked before a run is made.

Every answer a run gets is checked (``models.checked.CheckedModel``: its shape, NaN, class
probabilities summing to one); a model answering in a way those checks refuse (a sigmoid per
class, hostile41b) was refused on the run's first batch, exit 3 with a failed run and a resume
line left in the store.  Loading's probe answer is checked here when the adapter kept it
(torch); else the model is asked the first two clean images once (one call, not counted in the
run's queries).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.model import Model

__all__ = ["check_first_answer"]


def check_first_answer(raw: Model, model: Model, clean: np.ndarray) -> None:
    """``raw``: the loaded (checked) model; ``model``: it taking canonical images; ``clean``:
    the clean images.  Raises the checks' ``ModelError``."""
    checked = getattr(raw, "checked", None)
    seen: Any = getattr(getattr(raw, "inner", None), "probe_answer", None)
    if callable(checked) and seen is not None:
        inputs, answer = seen
        checked(answer, inputs)
        return
    model.predict(clean[:2])
