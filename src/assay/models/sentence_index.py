"""A text classifier's pandas answer indexed by the sentences themselves, read in the
batch's order.

A function answering ``pd.DataFrame(proba, index=texts)`` (or a Series of labels so
indexed) after a ``sort_index()``, a ``groupby``, a ``merge`` or a ``set_index`` on the
text, gives its rows in another order, each under its own sentence.  It was read by
position: the answers given to other sentences (hostile53: 90 findings where the
classifier has 26, "not deterministic", every finding wrong).  Now:

- an index holding each of the batch's sentences once (the batch's sentences distinct):
  the rows put in the batch's order;
- an index of the batch's sentences in another order when the batch holds one twice, or
  not all of them: refused (``ModelError``), never read by position;
- any other index (numbers, the user's ids): left to ``answer_order``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.errors import ModelError

__all__ = ["in_sentence_order"]


def _strings(values: Sequence[Any]) -> bool:
    return all(isinstance(v, str) for v in values)


def in_sentence_order(raw: Any, inputs: Any) -> Any:
    """``raw`` with its rows in the order of ``inputs`` (a batch of sentences) when its
    index holds those sentences in another order; ``raw`` itself otherwise."""
    index = getattr(raw, "index", None)
    if index is None or not callable(getattr(raw, "reindex", None)):
        return raw
    if isinstance(inputs, str) or not isinstance(inputs, Sequence) or len(inputs) < 2:
        return raw
    try:
        labels = list(index)
    except TypeError:
        return raw
    batch = list(inputs)
    if len(labels) != len(batch) or not _strings(labels) or not _strings(batch):
        return raw
    if labels == batch:
        return raw
    if set(labels) != set(batch) and not set(labels) <= set(batch):
        return raw  # (another index of strings: the user's ids, read by position)
    if len(set(batch)) == len(batch) and set(labels) == set(batch):
        return raw.reindex(batch)
    raise ModelError(
        f"the model answered a pandas {type(raw).__name__} indexed by the batch's sentences "
        "in another order (its rows reordered, e.g. by sort_index or a groupby on the text), "
        "and the batch holds a sentence twice or the index not every sentence: which "
        "sentence each answer is for cannot be told; return the answers in the order of the "
        "sentences given (`.reindex(batch)` before returning), or as a list or a NumPy array"
    )
