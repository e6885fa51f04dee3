"""Why an ended fairness run lacks its answer (``ANSWER_MISSING``, its summary's
``incomplete_reason`` until the answer is added; ``ANSWER_FAILED`` once its model failed
there), and what of its resume state outlives its search's end meanwhile
(``KEPT_FOR_ANSWER``).

Said by an interrupt (``core.interrupted.left_interrupted``), and written before the answer
is computed (``fairness.phases``), so that a run killed (kill -9) while computing it says so
too, never read as a pass; adding the answer takes it away.  A leaf module: the store
(``RunStore._drop_state``) reads both, below ``core.interrupted``, which imports the store.
"""

from __future__ import annotations

__all__ = ["ANSWER_FAILED", "ANSWER_MISSING", "KEPT_FOR_ANSWER", "answer_said_missing"]

ANSWER_MISSING = (
    "the run was interrupted after its search ended, before its answer (the share of "
    "discriminatory inputs per protected attribute, and its verdict) was computed; the "
    "search's findings are complete; assay resume RUN computes the answer (the search is "
    "not made again)"
)

ANSWER_FAILED = (
    "the run's model failed after its search ended, before its answer (the share of "
    "discriminatory inputs per protected attribute, and its verdict) was computed; the "
    "search's findings are complete; once the model answers, assay resume RUN computes the "
    "answer (the search is not made again)"
)
"""``ANSWER_MISSING`` once the model failed there (``core.finishing``, with the run's
error): an interrupt's words beside the failed command's exit 3 told the user of a Ctrl-C
nobody pressed.  An interrupt of a later try says ``ANSWER_MISSING`` again."""


def answer_said_missing(reason: object) -> bool:
    """Whether ``reason`` (a summary's ``incomplete_reason``) says the answer is missing."""
    return reason in (ANSWER_MISSING, ANSWER_FAILED)


KEPT_FOR_ANSWER = "kept_"
"""In the names of the resume state's appends that the answer reads (the estimate's first
inputs with the model's answers: ``fairness.kept``).  An ended run keeps them while its
summary says ``ANSWER_MISSING`` (every other part of its state is dropped at its end), so
that a finish (``assay resume``) answers from the inputs the run not stopped answers from;
they go once the answer is added (``RunStore.drop_state``)."""
