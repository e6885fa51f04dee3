"""Answers of one ``{class: score}`` dict per input, as spaCy's ``doc.cats`` is
(``{"POSITIVE": 0.91, "NEGATIVE": 0.09}``), read as a Hugging Face pipeline's ``top_k=None``
lists of ``{label, score}`` (``pipeline_answers``): the same classes and scores, so the same
rules (a row naming every class is a row of probabilities; a class not declared, or a score
that is no finite number, is a model failure naming the input).

Before this, such an answer was refused with "cannot tell what the model answers from an
answer of shape (2,) and type object", though it names its classes and scores; so was a
structured array of a field per class.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np

__all__ = ["ScoreDictFunction", "as_ranked", "is_score_dicts", "read_score_dicts"]


def _as_dict(v: Any) -> Any:
    """A pandas Series of a score per class name (``pd.Series(doc.cats)``) as its dict:
    read by its index, never by position (its rows read as unnamed columns ``0``, ``1``,
    a row's order is its own: a pipeline's scores sorted best first, hostile53)."""
    to_dict = getattr(v, "to_dict", None)
    if isinstance(v, dict) or not callable(to_dict) or getattr(v, "ndim", None) != 1:
        return v
    if not all(isinstance(k, str) for k in getattr(v, "index", ())):
        return v
    return to_dict()


def _is_score_dict(v: Any) -> bool:
    """``{class name: number}`` with two or more classes (not a pipeline's top entry
    ``{"label": ..., "score": ...}``, which names one class)."""
    v = _as_dict(v)
    if not isinstance(v, dict) or len(v) < 2 or ("label" in v and "score" in v):
        return False
    return all(
        isinstance(k, str) and isinstance(s, Real) and not isinstance(s, bool) for k, s in v.items()
    )


def _is_structured(answer: Any) -> bool:
    """A NumPy structured array of one record per input, a number field per class
    (``dtype=[("neg", "f8"), ("pos", "f8")]``)."""
    if not isinstance(answer, np.ndarray) or answer.ndim != 1:
        return False
    fields = answer.dtype.fields or {}
    return len(fields) >= 2 and all(f[0].kind in "fiu" for f in fields.values())


def is_score_dicts(answer: Any) -> bool:
    """Whether ``answer`` is a list (or tuple) of ``{class: score}`` dicts, one per input,
    or a structured array of a number field per class."""
    if _is_structured(answer):
        return len(answer) > 0
    return isinstance(answer, list | tuple) and bool(answer) and all(map(_is_score_dict, answer))


def as_ranked(answer: Any) -> list[list[dict[str, Any]]]:
    """Each input's ``{class: score}`` as a pipeline's list of ``{label, score}``, best
    first (its scores as they are: a NaN is refused where they are read)."""
    if _is_structured(answer):
        names = answer.dtype.names
        answer = [{n: float(record[n]) for n in names} for record in answer]
    return [
        [
            {"label": k, "score": s}
            for k, s in sorted(_as_dict(row).items(), key=lambda e: -float(e[1]))
        ]
        for row in answer
    ]


class ScoreDictFunction:
    """A function answering ``{class: score}`` dicts, answering them as ranked lists (any
    other answer as it is, for the checks that read it to judge)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn
        # named as the function is (messages, and by value to Dask workers: CallableModel)
        self.__module__ = str(getattr(fn, "__module__", "") or __name__)
        self.__qualname__ = str(getattr(fn, "__qualname__", None) or type(fn).__qualname__)
        self.__name__ = str(getattr(fn, "__name__", None) or self.__qualname__)

    def __call__(self, inputs: Any) -> Any:
        answer = self.fn(inputs)
        return as_ranked(answer) if is_score_dicts(answer) else answer


def read_score_dicts(fn: Callable[[Any], Any], answer: Any) -> tuple[Callable[[Any], Any], Any]:
    """``fn`` and its probe ``answer``, both as ranked lists when it answered score dicts."""
    if not is_score_dicts(answer):
        return fn, answer
    return ScoreDictFunction(fn), as_ranked(answer)
