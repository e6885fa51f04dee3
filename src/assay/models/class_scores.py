"""Several numbers per input that are no class probabilities: a classifier's logits, or the
outputs of a multi-output regressor, which values alone cannot always tell apart.

A model answering one row of numbers per input, some outside [0, 1], is read as a
classifier's class scores (logits), each input's class the one of the largest.  A function
answering two outputs of a regressor (a credit limit and an overdraft, in euros) was so
read: the larger column won for every input, a planted 10 % cut for one sex was never seen,
and the run passed (exit 0).  A classifier's logits stay small: past ``LOGIT_BOUND`` a
softmax is 1 and 0 to far below float64's precision (a gap of 37 already is), so a value
beyond it is no logit.  Rows of a model that declares no classes are refused there, before
any run where loading's probe was answered so (exit 2), and otherwise at the run's first
such answer (exit 3); both name ``--cutoff`` (one output at a time) and ``--classes`` (a
classifier answering scores that large).  Scores within the bound are read as logits, and
the run says so (``read_note``): nothing in them confirms it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from assay.core.model import ModelInputs, describe_input
from assay.errors import ModelError, UsageError

__all__ = [
    "LOGIT_BOUND",
    "beyond_logits",
    "check_bound",
    "not_logits",
    "read_note",
    "read_scores",
    "unbounded",
]

LOGIT_BOUND = 100.0  # |score| past which no classifier's logit lies (see the docstring)

_ADVICE = (
    "a model of several outputs (a multi-output regressor: a limit and an overdraft) is "
    "tested one output at a time, decided where the application decides: answer that output "
    "alone and give --cutoff C (in Python cutoff=C); a classifier answering such scores "
    "declares its classes (--classes N, or FUNCTION.classes_ = [...])"
)


def _table(answer: Any) -> np.ndarray | None:
    """``answer`` as a float table of one row per input, or None when it is none."""
    try:
        out = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if out.ndim != 2 or out.shape[1] < 2 or not out.size:
        return None
    return out


def unbounded(table: np.ndarray) -> np.ndarray:
    """Per row, whether some value of it lies beyond ``LOGIT_BOUND`` (NaN is not)."""
    with np.errstate(invalid="ignore"):
        return np.asarray((np.abs(table) > LOGIT_BOUND).any(axis=1), dtype=bool)


def _said(table: np.ndarray, row: int) -> str:
    return ", ".join(f"{v:,.6g}" for v in table[row, :4]) + (", ..." if table.shape[1] > 4 else "")


def _first_far(answer: Any) -> tuple[np.ndarray, int, int] | None:
    """``answer`` as a table, the first row beyond ``LOGIT_BOUND`` and how many are, or
    None when no row is."""
    table = _table(answer)
    if table is None:
        return None
    far = unbounded(table)
    if not far.any():
        return None
    return table, int(np.argmax(far)), int(far.sum())


def beyond_logits(answer: Any, probe: ModelInputs) -> None:
    """Refuse (``UsageError``, before any run) loading's ``answer`` to ``probe`` holding a
    score beyond ``LOGIT_BOUND`` from a model that declares no classes."""
    found = _first_far(answer)
    if found is None:
        return
    table, i, _ = found
    raise UsageError(
        f"the model answered {table.shape[1]} numbers per input to loading's first inputs "
        f"([{_said(table, i)}] for {describe_input(probe, i)}), declaring no classes: "
        f"numbers beyond +-{LOGIT_BOUND:g} are no class probabilities and no classifier's "
        "logits, and their largest is no decision; " + _ADVICE,
        argument="MODEL",  # (what is wrong; --cutoff and --classes: what to give)
    )


def check_bound(out: np.ndarray, inputs: ModelInputs) -> None:
    """The run's check of every answer of a model declaring no classes (``CheckedModel``'s
    ``score_bound``): a row beyond ``LOGIT_BOUND`` is a ``ModelError`` (exit 3)."""
    found = _first_far(out)
    if found is None:
        return
    table, i, count = found
    raise ModelError(
        f"the model answered [{_said(table, i)}] for input {i} ({count:,} of "
        f"{len(table):,} rows beyond +-{LOGIT_BOUND:g}), declaring no classes: read as a "
        "classifier's logits, their largest the class, but numbers that large are no logits; "
        f"{_ADVICE}, in a new run (a resumed run keeps this one's options); first such input: "
        f"{describe_input(inputs, i)}"
    )


def read_note(answer: Any) -> str | None:
    """What the run says of loading's ``answer`` read as logits (some value outside [0, 1]),
    else None."""
    table = _table(answer)
    if table is None or not np.isfinite(table).all():
        return None
    if table.min() >= 0.0 and table.max() <= 1.0:
        return None
    low, high = float(table.min()), float(table.max())
    return (
        f"The model answers {table.shape[1]} numbers per input, not probabilities (from "
        f"{low:,.4g} to {high:,.4g} on loading's first inputs): read as a classifier's logits, "
        "each input's class the one of the largest; if they are not class scores (the "
        "outputs of a multi-output regressor), test one output at a time with --cutoff C"
    )


def _raw(model: Any) -> Any:
    """What answers ``model``'s class scores as the model gave them when its ``predict``
    does not (a torch module's ``raw_scores``: its ``predict`` softmaxes them), else None."""
    inner = model
    while inner is not None:
        scores = getattr(inner, "raw_scores", None)
        if callable(scores):
            return inner
        inner = getattr(inner, "inner", None)
    return None


def not_logits(answer: Any, rows: ModelInputs) -> None:
    """Refuse (``UsageError``, before any run) loading's ``answer`` to its ``rows`` (the
    data's first, then uniform ones: ``fairness.amounts.PROBE_ROWS``) when the numbers cannot
    be a classifier's logits read by their largest: a value beyond ``LOGIT_BOUND``, the same
    column the largest for every input (a multi-output regressor of outputs in other units, a
    rate in % beside a term in years: read so, no input could change class and a planted
    bias in the rate passed unseen), or every value positive (logits take both signs;
    log-probabilities, all negative, are read).  Values stated to the hundredth were not
    taken as amounts: a hand-made classifier's logits on whole-number inputs are so too."""
    beyond_logits(answer, rows)
    table = _table(answer)
    if table is None or not np.isfinite(table).all() or len(table) < 2:
        return
    if table.min() >= 0.0 and table.max() <= 1.0:
        return  # (probabilities: checked as such by ``CheckedModel``)
    largest = np.argmax(table, axis=1)
    if (largest == largest[0]).all():
        why = (
            f"column {int(largest[0]) + 1} is the largest for every one of the {len(table)} "
            "inputs asked (read as logits, every input would get the same class, and no "
            "bias in the numbers could change it)"
        )
    elif table.min() >= 0.0:
        why = (
            f"every value is positive (from {table.min():,.4g} to {table.max():,.4g}: "
            "amounts, rates, terms), where a classifier's logits, free of any common shift, "
            "lie on both sides of 0"
        )
    else:
        return
    raise UsageError(
        f"the model answered {table.shape[1]} numbers per input, declaring no classes "
        f"([{_said(table, 0)}] for {describe_input(rows, 0)}): {why}: these read as the "
        "outputs of a multi-output regressor, not a classifier's logits; " + _ADVICE,
        argument="MODEL",  # (what is wrong; --cutoff and --classes: what to give)
    )


def _now(call: Callable[[], Any]) -> Any:
    return call()


def read_scores(
    model: Any,
    probe: ModelInputs | None,
    kept: list[tuple[Any, Any]],
    *,
    declared: bool,
    rows: Callable[[], ModelInputs] | None = None,
    timed: Callable[[Callable[[], Any]], Any] | None = None,
) -> str | None:
    """``model`` (a ``CheckedModel``) answering several numbers per input and declaring no
        classes (``declared``: the caller gave ``--classes``): its answer to loading's probe
        (``kept``, else asked once: an ONNX graph's, a torch module's raw scores) refused beyond
        ``LOGIT_BOUND``; when it holds numbers outside [0, 1] (read as logits), ``rows`` (more
        of loading's inputs) asked too and refused as ``not_logits`` says; every answer of the
        run checked against the bound (``score_bound``); and what the run says of reading the
        numbers as logits.  ``rows``: makes those inputs (only when they are asked); ``timed``
    runs the call asking them (under ``--call-timeout``: a model hanging on them hung loading)."""
    caps = model.capabilities
    if declared or caps.outputs != "proba" or (caps.n_classes or 1) < 2:
        return None
    if caps.class_names is not None:
        return None
    raw = _raw(model)
    ask = model.predict if raw is None else raw.raw_scores
    answers = [a for _, a in kept if _table(a) is not None]
    answer = answers[-1] if answers else None
    if (answer is None or raw is not None) and probe is not None:
        answer = ask(probe)
    if answer is not None and probe is not None:
        beyond_logits(answer, probe)
    model.score_bound = True
    if raw is not None:
        raw.score_bound = True  # (a torch module's: checked before its softmax)
    if answer is None or read_note(answer) is None:
        return None
    if rows is not None:
        asked = rows()
        answer = (timed or _now)(lambda: ask(asked))
        not_logits(answer, asked)
    return read_note(answer)
