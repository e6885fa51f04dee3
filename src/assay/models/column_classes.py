"""A text classifier's DataFrame of probabilities whose columns name other classes than the
ones it declares, refused.

``f.classes_ = ["neg", "pos"]`` beside ``pd.DataFrame({"positive": p, "negative": 1 - p})``
was read by position: ``positive`` read as ``neg`` (hostile53: 279 disagreements / 147
minimal where the classifier has 130 / 26).  Columns naming the declared classes in another
order were already put in theirs (``callable.by_column_names``); columns of other names
(``0``, ``1``: a frame built from an array) are still read by position.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.errors import ModelError

__all__ = ["refuse_other_columns"]


def refuse_other_columns(raw: Any, declared: Sequence[str], who: str) -> None:
    """Refuse ``raw`` when it is a DataFrame of one column per declared class whose column
    names are words (strings) but not the declared classes."""
    columns = getattr(raw, "columns", None)
    if columns is None or not hasattr(raw, "to_numpy"):
        return
    names = list(columns)
    if len(names) != len(declared) or not all(isinstance(c, str) for c in names):
        return
    if set(names) == {str(d) for d in declared}:
        return
    if all(c.isdigit() for c in names):  # ("0", "1": positions written as text)
        return
    raise ModelError(
        f"{who} answered a DataFrame of columns {', '.join(map(repr, names))}, but declares "
        f"its classes as {', '.join(map(repr, declared))}: read by position, each column "
        "would be taken for another class; name the columns as the classes are declared "
        f"(or declare `classes_ = {names!r}`, in the columns' order)"
    )
