"""The model's answer to a couple of clean images, checked before a run is made.

Every answer a run gets is checked (``models.checked.CheckedModel``: its shape, NaN, class
probabilities summing to one); a model answering in a way those checks refuse (a sigmoid per
class, hostile41b) was refused on the run's first batch, exit 3 with a failed run and a resume
line left in the store.  Loading's probe answer is checked here when the adapter kept it
(torch); a model read from a file (ONNX, scikit-learn, skops) is asked the first two clean
images once (one call, not counted in the run's queries).  A function or a served model is
not asked again (each call may cost or change what it answers next: a function counting its
calls, an endpoint billed per request): the answer it gave loading's probe (``probed.keeping``)
is checked instead when it is an array of class scores, as its run's answers are (a sigmoid
per class refused with no run made, left41b's Left 2); an answer an adapter reads into scores
(score dicts, ranked labels, a DataFrame) is left to the run's first batch, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.core.model import Model

__all__ = ["check_first_answer"]

_NOT_ASKED_AGAIN = ("callable", "http")


def check_first_answer(
    raw: Model, model: Model, clean: np.ndarray, probed: Sequence[tuple[Any, Any]] = ()
) -> None:
    """``raw``: the loaded (checked) model; ``model``: it taking canonical images; ``clean``:
    the clean images; ``probed``: loading's probes and the model's answers to them.  Raises
    the checks' ``ModelError``."""
    checked = getattr(raw, "checked", None)
    seen: Any = getattr(getattr(raw, "inner", None), "probe_answer", None)
    if callable(checked) and seen is not None:
        inputs, answer = seen
        checked(answer, inputs)
        return
    kind = str((getattr(raw, "spec_info", None) or {}).get("type") or "")
    if not kind:
        return
    if kind.startswith(_NOT_ASKED_AGAIN):
        scores = [(p, a) for p, a in probed if _scores(a, p)]
        if callable(checked) and scores and raw.capabilities.outputs == "proba":
            inputs, answer = scores[-1]
            checked(np.asarray(answer), inputs)
        return
    model.predict(clean[:2])


def _scores(answer: Any, probe: Any) -> bool:
    """Whether ``answer`` is class scores as the run reads them: an array (or nested list) of
    floats, a row for each input of ``probe``."""
    if not isinstance(answer, np.ndarray | list):
        return False
    try:
        values = np.asarray(answer)
    except ValueError:  # (ragged)
        return False
    return values.dtype.kind == "f" and values.ndim == 2 and len(values) == len(probe)
