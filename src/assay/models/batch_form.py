"""What to write when a text classifier failed on the list of sentences it was given because
it was written for another form of batch: a pandas Series (``batch.map(...)``,
``batch.str.lower()``) or a DataFrame with a text column (``df["text"]``).

Such a function raised "'list' object has no attribute 'map'" (or "list indices must be
integers or slices, not str") and was told "for a function of one sentence give
`lambda batch: [f(s) for s in batch]`": pasted, that fails again ("'str' object has no
attribute 'map'") (hostile53).  A function of one sentence (``s.lower()``, ``s.split()``)
keeps that advice.
"""

from __future__ import annotations

import re

__all__ = ["by_sentence", "other_batch_form", "spacy_like"]

# an attribute the failing code read of the list: "'list' object has no attribute 'map'"
_ATTRIBUTE = re.compile(r"'list' object has no attribute '([A-Za-z_][A-Za-z0-9_]*)'")
# a list indexed by a column's name: df["text"]
_BY_NAME = "list indices must be integers or slices, not str"


def _series_attribute(name: str) -> bool:
    """Whether ``name`` is a pandas Series' attribute that a sentence (a ``str``) lacks:
    ``map``, ``apply``, ``str``, ``iloc``, ``tolist``, ``values`` ..."""
    if hasattr(str, name):  # (s.lower(), s.split(): a function of one sentence)
        return False
    try:
        import pandas as pd
    except ImportError:  # (without pandas, no Series was meant)
        return False
    return hasattr(pd.Series, name)


def other_batch_form(message: str, name: str) -> str | None:
    """The wrapper to write for a function ``name`` whose failure ``message`` reads as one
    written for a pandas Series or DataFrame of sentences (None: it does not)."""
    found = _ATTRIBUTE.search(message)
    if found is not None and _series_attribute(found[1]):
        return (
            "a text classifier is called with a list of sentences; this one reads the batch "
            f"as a pandas Series (.{found[1]}): give `lambda batch: {name}(pd.Series(batch))` "
            "(its answer, one label or row of probabilities per sentence, read in order)"
        )
    if _BY_NAME in message:
        return (
            "a text classifier is called with a list of sentences; this one indexes the batch "
            "by a name, as a pandas DataFrame's column: give `lambda batch: "
            f'{name}(pd.DataFrame({{"text": batch}}))`, "text" the name of the column it reads'
        )
    return None


def spacy_like(fn: object) -> str | None:
    """The wrapper for a spaCy-like pipeline object (``nlp``: called with one text, a
    ``.pipe(texts)`` giving its documents, their scores in ``doc.cats``) given as the
    classifier itself (None: ``fn`` is no such object)."""
    if not callable(getattr(fn, "pipe", None)) or not callable(fn):
        return None
    return (
        "a text classifier is called with a list of sentences and answers one label (or "
        f"row of probabilities) per sentence; {type(fn).__name__} has a .pipe(texts), as "
        "spaCy's nlp does: give `lambda batch: [doc.cats for doc in nlp.pipe(batch)]`, nlp "
        "the object"
    )


def by_sentence(answer: object, batch: object, name: str) -> str | None:
    """The wrapper for a function answering a dict of the batch's sentences to their
    answers (``{"the food was good": "pos", ...}``), told before "for a function of one
    sentence give `lambda batch: [f(s) for s in batch]`", which calls it with a sentence
    (None: ``answer`` is no such dict)."""
    if not isinstance(answer, dict) or not isinstance(batch, list | tuple):
        return None
    if not answer or not all(isinstance(k, str) for k in answer):
        return None
    if not set(answer) <= set(batch):
        return None
    return (
        "a text classifier answers a list, one label (or row of probabilities) per sentence "
        "in the batch's order; this one answers a dict of the sentences to their answers: "
        f"give `lambda batch: [d[s] for d in [{name}(batch)] for s in batch]`"
    )
