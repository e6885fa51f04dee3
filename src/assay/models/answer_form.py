"""What an answer assay cannot read holds, and the wrapper that reads it: said beside "cannot
tell what the model answers".

A spaCy-like function answering ``{"cats": {"pos": 0.6, "neg": 0.4}}`` per sentence, the
``Doc`` objects of ``nlp.pipe(batch)``, or a pandas Series of ``{class: score}`` dicts, was
refused "cannot tell what the model answers from an answer of shape (2,) and type object;
it must answer ... one class index per input (labels) or one row of class probabilities per
input": neither what it answered nor what to write (hostile53).
"""

from __future__ import annotations

from numbers import Real
from typing import Any

from assay.models.score_dicts import is_score_dicts

__all__ = ["answer_form_hint"]

_SHOWN = 80  # characters of an answer's first value quoted


def _first(answer: Any) -> tuple[bool, Any]:
    """(whether there is one, the answer's first value)."""
    try:
        values = answer.tolist() if hasattr(answer, "tolist") else list(answer)
    except Exception:  # (no sequence at all)
        return False, None
    return (True, values[0]) if values else (False, None)


def _shown(value: Any) -> str:
    if isinstance(value, dict):  # (NumPy's scalars as the numbers they are: 0.52, not
        # np.float64(0.52))
        value = {k: v.item() if hasattr(v, "item") else v for k, v in value.items()}
    elif isinstance(value, tuple):
        value = tuple(v.item() if hasattr(v, "item") else v for v in value)
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _holder(value: Any) -> str | None:
    """The key of a one-key dict holding a ``{class: score}`` dict or a label
    (``{"cats": {...}}``, ``{"prediction": "pos"}``)."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    key, inner = next(iter(value.items()))
    if not isinstance(key, str):
        return None
    if isinstance(inner, str) or is_score_dicts([inner]):
        return key
    return None


def _is_frame(answer: Any) -> bool:
    """Whether ``answer`` is a pandas DataFrame."""
    try:
        import pandas as pd
    except ImportError:
        return False
    return isinstance(answer, pd.DataFrame)


def _frame_hint(answer: Any) -> str:
    """A DataFrame of columns not all numbers (the sentence beside its probabilities, a
    label and its score): its columns named, and the one (or ones) to answer."""
    columns = [str(c) for c in answer.columns]
    numeric = [str(c) for c in answer.select_dtypes("number").columns]
    named = ", ".join(map(repr, columns[:8]))
    if "label" in columns:
        return (
            f"; it answered a DataFrame of columns {named}: give its labels, "
            "`lambda batch: list(FUNCTION(batch)['label'])`"
        )
    if len(numeric) >= 2:
        return (
            f"; it answered a DataFrame of columns {named}, not all numbers: give the class "
            f"probabilities alone, `lambda batch: FUNCTION(batch)[{numeric!r}]`"
        )
    return f"; it answered a DataFrame of columns {named}"


def answer_form_hint(answer: Any) -> str:
    """What ``answer`` (one value per input, none of a form assay reads) holds and how to
    read it ("" when nothing can be said)."""
    try:
        import pandas as pd

        series = isinstance(answer, pd.Series)
    except ImportError:
        series = False
    if _is_frame(answer):
        return _frame_hint(answer)
    there, first = _first(answer)
    if not there:
        return ""
    if series and is_score_dicts([first]):
        return (
            f"; it answered a pandas Series of {{class: score}} dicts ({_shown(first)}): give "
            "them as a list, `lambda batch: list(FUNCTION(batch))`"
        )
    key = _holder(first)
    if key is not None:
        return (
            f"; each answer is a dict holding it under {key!r} ({_shown(first)}): give "
            f"`lambda batch: [a[{key!r}] for a in FUNCTION(batch)]`"
        )
    cats = getattr(first, "cats", None)
    if isinstance(cats, dict) and is_score_dicts([cats]):
        kind = type(first).__name__
        return (
            f"; it answered {kind} objects, their scores in .cats ({_shown(cats)}), as "
            "spaCy's nlp.pipe(batch) does: give `lambda batch: [doc.cats for doc in "
            "FUNCTION(batch)]` (spaCy: `lambda batch: [doc.cats for doc in nlp.pipe(batch)]`)"
        )
    if (
        isinstance(first, tuple)
        and len(first) == 2
        and isinstance(first[0], str)
        and isinstance(first[1], Real)
    ):
        return (
            f"; each answer is a (label, score) pair ({_shown(first)}): give its label, "
            "`lambda batch: [label for label, score in FUNCTION(batch)]`"
        )
    if isinstance(first, dict):
        keys = ", ".join(map(repr, list(first)[:6]))
        return (
            f"; each answer is a dict of {keys} ({_shown(first)}): give a function answering "
            "the label, or the {class: score} dict, it holds"
        )
    if not isinstance(first, str | bytes | int | float | bool) and first is not None:
        return f"; its first answer is a {type(first).__name__} ({_shown(first)})"
    return ""
