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
(score dicts, ranked labels) is read as the run reads it (``NamedLabelsModel.read``) and
checked so too (they were refused on the run's first batch, bd42b's Left 5); other forms (a
DataFrame, a served model's JSON) are left to the run's first batch, as before.
"""

from __future__ import annotations

import copy
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
        if not callable(checked) or raw.capabilities.outputs != "proba" or not probed:
            return
        scores = [(p, a) for p, a in probed if _scores(a, p)]
        if scores:
            inputs, answer = scores[-1]
            checked(np.asarray(answer), inputs)
            return
        read = _read(raw, *probed[-1])
        if read is not None:  # score dicts, ranked labels: read as the run reads them
            checked(read, probed[-1][0])
        return
    model.predict(clean[:2])


def _read(raw: Model, probe: Any, answer: Any) -> np.ndarray | None:
    """Loading's probe ``answer`` as the adapter reads an answer into class scores (a
    function's score dicts or ranked labels: ``NamedLabelsModel.read``), on a copy of it (its
    record of the answers' form left as it is); None when it has no such reader or the answer
    is not read into float scores (its own errors are the run's, as before)."""
    from assay.errors import ModelError
    from assay.models.score_dicts import as_ranked, is_score_dicts

    read = getattr(copy.copy(getattr(raw, "inner", None)), "read", None)
    if not callable(read):
        return None
    if is_score_dicts(answer):  # (the run's function answers them so: ``ScoreDictFunction``)
        answer = as_ranked(answer)
    try:
        out = np.asarray(read(answer, probe))
    except (ModelError, TypeError, ValueError, KeyError):
        return None
    return out if out.dtype.kind == "f" and out.ndim == 2 else None


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
