"""A model's score decided at a cutoff (``--cutoff C``): the decision an application makes.

A regressor (a credit limit in euros), a scorecard (300-850), a logit or an application that
approves when P(yes) > 0.7 answers a number, not the class a fairness test compares; read as
a probability at 0.5 it tested nothing, or another decision than the one the application
makes.  ``CutoffModel`` answers the class the cutoff gives: for one score per input, class 1
(named ``>C``) when the score is above ``C``, else class 0 (``<=C``); for two class
probabilities, the model's second class when its probability is above ``C``, else the first
(the model's own class names kept).  It sits inside the ``CheckedModel`` that checks its
labels; it checks the scores itself (a NaN is no score).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.core.model import Capabilities, Model, ModelInputs
from assay.errors import ModelError, UsageError
from assay.models.sklearn import is_sklearn_regressor

__all__ = ["CutoffModel", "cutoff_names", "decided", "written"]


def written(cutoff: float) -> str:
    """``cutoff`` as typed: ``650``, ``0.7``, ``1500000`` (``:g`` wrote ``1.5e+06``)."""
    return str(np.format_float_positional(cutoff, trim="-"))


def cutoff_names(cutoff: float) -> tuple[str, str]:
    """The two classes of a score decided at ``cutoff``: ``("<=650", ">650")``."""
    return (f"<={written(cutoff)}", f">{written(cutoff)}")


class CutoffModel:
    """``inner``'s answers decided at ``cutoff`` (see the module's docstring)."""

    def __init__(self, inner: Model, cutoff: float, *, argument: str = "--cutoff") -> None:
        caps = inner.capabilities
        if not np.isfinite(cutoff):
            raise UsageError(f"must be a finite number, not {cutoff}", argument=argument)
        if caps.outputs == "labels" and (caps.class_names is not None or caps.n_classes):
            listed = ", ".join(map(str, caps.class_names or range(caps.n_classes or 0)))
            raise UsageError(
                f"a cutoff decides a score, and this model answers class labels ({listed}): "
                "its decisions are compared as they are; leave out the cutoff",
                argument=argument,
            )
        if caps.outputs == "proba" and (caps.n_classes or 1) > 2:
            raise UsageError(
                f"a cutoff decides one score (or the second of two class probabilities); "
                f"this model answers {caps.n_classes} class probabilities, compared by their "
                "largest: leave out the cutoff, or answer the one score the application cuts",
                argument=argument,
            )
        self.inner = inner
        self.cutoff = float(cutoff)
        self.two = caps.outputs == "proba" and caps.n_classes == 2
        names: tuple[str, ...] | None = caps.class_names if self.two else cutoff_names(cutoff)
        self.capabilities = Capabilities(
            modality=caps.modality,
            n_classes=2,
            outputs="labels",
            max_batch=caps.max_batch,
            class_names=names,
            remote=caps.remote,
        )

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        raw = np.asarray(self.inner.predict(inputs))
        n = len(inputs)
        try:
            table = raw.astype(np.float64).reshape(n, -1)
        except (TypeError, ValueError) as exc:
            raise ModelError(
                f"a cutoff decides a number, and the model answered {raw.dtype} values "
                f"of shape {raw.shape} to {n} inputs ({exc})"
            ) from None
        if table.shape[1] not in (1, 2) or (table.shape[1] == 2) != self.two:
            raise ModelError(
                f"the model answered {table.shape[1]} values per input; the cutoff decides "
                + ("the second of two class probabilities" if self.two else "one score")
            )
        if self.two:
            _probabilities(table)
        score = table[:, -1]
        bad = ~np.isfinite(score)
        if bad.any():
            i = int(np.argmax(bad))
            raise ModelError(
                f"the model answered {score[i]} for input {i} ({int(bad.sum()):,} of {n:,} "
                f"answers not a number): it cannot be decided at the cutoff {written(self.cutoff)}"
            )
        labels: np.ndarray = (score > self.cutoff).astype(np.int64)
        return labels

    def __repr__(self) -> str:
        return f"CutoffModel({self.inner!r}, cutoff={written(self.cutoff)})"

    def describe(self) -> dict[str, Any]:
        return {"cutoff": self.cutoff, "decides": "probability" if self.two else "score"}


def _probabilities(table: np.ndarray) -> None:
    """Two values per input decided at a cutoff are class probabilities: in [0, 1], adding up
    to 1.  Two outputs of a multi-output model (a credit limit and an overdraft, in euros)
    were cut by the second alone, read as a probability, and the run passed (exit 0)."""
    bad = ~((table >= 0).all(axis=1) & (table <= 1).all(axis=1))
    bad |= np.abs(table.sum(axis=1) - 1.0) > 0.02
    if bad.any():
        i = int(np.argmax(bad))
        raise ModelError(
            f"the model answered {table[i].tolist()} for input {i} ({int(bad.sum()):,} of "
            f"{len(table):,} rows not two class probabilities adding up to 1): a cutoff "
            "decides one score, or the second of two class probabilities; a model of several "
            "outputs (a multi-output regressor) is tested one output at a time: answer that "
            "output alone"
        )


def _owner(model: Any) -> Any:
    """The object whose bound method ``model`` calls (``reg.predict`` given as a function:
    a ``MultiOutputRegressor``'s euros were read as logits), else None."""
    seen = 0
    while model is not None and seen < 8:
        owner = getattr(model, "__self__", None)
        if owner is not None and not isinstance(owner, type):
            return owner
        model = getattr(model, "inner", None) or getattr(model, "fn", None)
        seen += 1
    return None


def _regressor(estimator: Any) -> str | None:
    """The class name of a scikit-learn regressor (bare or ending a Pipeline), else None."""
    if estimator is None or not is_sklearn_regressor(estimator):
        return None
    steps = getattr(estimator, "steps", None) if type(estimator).__name__ == "Pipeline" else None
    return type(steps[-1][1] if steps else estimator).__name__


def _no_score(model: Any, probe_answers: Sequence[tuple[Any, Any]], probe: Any) -> None:
    """A model answering one number per input, outside [0, 1] when loading asked it (a
    function's probe: ``models.probed``; else ``probe`` asked once here: an ONNX graph's),
    is refused before any run: read as a probability at 0.5 the run was made, then failed
    at its first answer (exit 3)."""
    caps = model.capabilities
    if caps.outputs != "proba" or (caps.n_classes or 1) != 1:
        return
    answers = [answer for _, answer in probe_answers]
    if not answers and probe is not None and not caps.remote:
        answers = [model.predict(probe)]
    for answer in answers:
        try:
            values = np.asarray(answer, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            continue
        outside = values[np.isfinite(values) & ((values < 0.0) | (values > 1.0))]
        if outside.size:
            raise UsageError(
                f"the model answered {outside[0]:g} to loading's first inputs: one number per "
                "input, with answers outside [0, 1] (a regressor's value, a score, a logit), "
                "which is no probability and no class; give the cutoff at which the "
                "application decides on it, --cutoff C (in Python cutoff=C; for a logit, "
                "0), or answer one probability per class",
                argument="--cutoff",
            )


def _outputs(model: Any) -> str:
    """Said of a regressor answering several outputs: a cutoff decides one."""
    caps = model.capabilities
    if caps.outputs != "proba" or (caps.n_classes or 1) < 2:
        return ""
    return (
        f"; it answers {caps.n_classes} outputs per input, and a cutoff decides one: test "
        "one output at a time (a function answering that output alone)"
    )


def decided(
    model: Any,
    cutoff: float | None,
    threshold: float | None,
    estimator: Any,
    probe_answers: Sequence[tuple[Any, Any]] = (),
    probe: Any = None,
) -> Any:
    """``model`` (a ``CheckedModel``) deciding its score at ``cutoff`` (``--cutoff``), or as
    it is.  A scikit-learn regressor without a cutoff is refused before any run: read as a
    probability at 0.5 it failed the run once asked (exit 3), and ``--threshold`` (a
    probability gap, 0..1) compared euros by the cent.  ``probe``: loading's first inputs,
    asked when ``probe_answers`` holds no answer to them."""
    regressor = _regressor(estimator if estimator is not None else _owner(model))
    if cutoff is not None and (
        isinstance(cutoff, bool) or not isinstance(cutoff, int | float | np.integer | np.floating)
    ):  # (a string "0.7" or True: a traceback from isfinite, or a cutoff of 1)
        raise UsageError(
            f"must be a number (the score at which the application decides), not {cutoff!r}",
            argument="--cutoff",
        )
    if cutoff is not None and threshold is not None:
        raise UsageError(
            f"--cutoff {written(cutoff)} decides the model's score, and --threshold {threshold:g} "
            "compares probability gaps: give one (with a cutoff, an IDI is a decision that "
            "changes with the protected attribute)",
            argument="--threshold",
        )
    if cutoff is None:
        if regressor is not None:
            said = (
                "--threshold is a probability gap (0 to 1), not a gap in its units; "
                if (threshold is not None)
                else ""
            )
            raise UsageError(
                f"the {regressor} is a regressor: it answers a number (a limit, a score), not "
                f"a class or a probability; {said}give the cutoff at which the application "
                "decides on it, --cutoff C (an IDI: an input whose decision, above C or not, "
                "changes with the protected attribute; in Python cutoff=C)" + _outputs(model),
                argument="--threshold" if threshold is not None else "--cutoff",
            )
        if threshold is None:
            _no_score(model, probe_answers, probe)
        return model
    inner = getattr(model, "inner", None)
    if inner is None:
        return CutoffModel(model, cutoff)
    wrapped = CutoffModel(inner, cutoff)
    model.inner = wrapped
    model.capabilities = Capabilities(
        modality=wrapped.capabilities.modality,
        n_classes=2,
        outputs="labels",
        max_batch=model.capabilities.max_batch,
        class_names=wrapped.capabilities.class_names,
        remote=wrapped.capabilities.remote,
    )
    return model
