"""A torch module's class scores as a backdoor scan reads them: logits said, numbers beyond
any logit refused.

The torch adapter softmaxes a module's rows that are not probabilities (``models.torch``):
an image classifier's logits, the norm.  A backdoor run read them so without a word, and a
module answering other numbers (a regression head, scores in the thousands) had the class
of its largest read as its answer.  Fairness runs check a torch module's outputs as given,
before the softmax (left48f: ``models.class_scores``); a backdoor run does so too, on the
module's answer to loading's first clean images (``TorchModel.probe_answer``):

- a value beyond ``LOGIT_BOUND`` (100) is no classifier's logit (a softmax of it is 1 and 0
  to far below float64's precision): refused before any run (exit 2), unless the classes
  were declared (``--classes``).  The run's later answers are not refused so (a fairness
  run's are, exit 3): a trojaned network sure of its target on triggered images may answer
  logits that large there, and a found trigger must not end as a model failure;
- a value outside [0, 1] says logits: read so, and the run says it (``scores_read``: one
  line in its notes, its reports and ``assay show``).

A module answering probabilities is read as before, said nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.store import RunStore
from assay.errors import UsageError

__all__ = ["LOGIT_BOUND", "note_scores_read", "read_torch_scores"]

LOGIT_BOUND = 100.0  # as ``models.class_scores``'s: |score| past which no logit lies

_ADVICE = (
    "a backdoor scan reads a classifier's class scores (probabilities, or logits): make the "
    "module answer them, one per class; a classifier whose logits are that large declares "
    "its classes (--classes N; classes=N), and its scores are read as logits"
)


def _torch_inner(model: Any) -> Any:
    """The torch adapter under ``model``'s wrappers (a ``raw_scores`` and a ``probe_answer``),
    else None."""
    inner = model
    while inner is not None:
        if callable(getattr(inner, "raw_scores", None)) and hasattr(inner, "probe_answer"):
            return inner
        inner = getattr(inner, "inner", None)
    return None


def _row(table: np.ndarray, i: int) -> str:
    return ", ".join(f"{v:,.6g}" for v in table[i, :4]) + (", ..." if table.shape[1] > 4 else "")


def _far(table: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.asarray((np.abs(table) > LOGIT_BOUND).any(axis=1), dtype=bool)


def read_torch_scores(model: Any, *, declared: bool) -> str | None:
    """What a backdoor run says of a torch module's class scores (None: probabilities, or no
    torch module); refuses (``UsageError``) an answer to loading's first clean images beyond
    ``LOGIT_BOUND`` when the classes were not declared (``declared``)."""
    torch_model = _torch_inner(model)
    seen = None if torch_model is None else torch_model.probe_answer
    if seen is None:
        return None
    table = np.asarray(seen[1], dtype=np.float64)
    if table.ndim != 2 or table.shape[1] < 2 or not table.size or not np.isfinite(table).all():
        return None
    far = _far(table)
    if far.any() and not declared:
        i = int(np.argmax(far))
        raise UsageError(
            f"the torch module answered {table.shape[1]} numbers per image to loading's first "
            f"clean images ([{_row(table, i)}] for image {i} of --clean): numbers beyond "
            f"+-{LOGIT_BOUND:g} are no class probabilities and no classifier's logits (a "
            "softmax of them is 1 and 0 to far below float64's precision), so the class of "
            f"their largest is no classifier's answer; {_ADVICE}",
            argument="MODEL",
        )
    if table.min() >= 0.0 and table.max() <= 1.0:
        return None
    return (
        f"the torch module answers {table.shape[1]} numbers per image, not probabilities "
        f"(from {table.min():,.4g} to {table.max():,.4g} on loading's first clean images): "
        "read as a classifier's logits, each image's class scores their softmax"
    )


def note_scores_read(store: RunStore, run_id: str, note: str | None) -> None:
    """``note`` (``read_torch_scores``'s) among the run's stored notes, once."""
    if not note:
        return
    summary = dict(store.get_run(run_id).summary or {})
    if not summary or note in (summary.get("notes") or []):
        return
    summary["notes"] = [*(summary.get("notes") or []), note]
    store.checkpoint(run_id, summary=summary)
