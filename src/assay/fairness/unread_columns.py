"""Columns a scikit-learn model declares (``feature_names_in_``) and never reads.

A Pipeline fitted on a whole DataFrame declares every column of it, a date or a duration
too, even when its ``ColumnTransformer`` reads a few by name and drops the rest
(``remainder="drop"``).  Such a model refuses a frame without them (scikit-learn checks the
names), and assay cannot search a date: the user was told to set the column aside, then that
the model's features were missing, with no way forward.  Any value of such a column gives the
same answers, so the way forward is to give it as one number, which is what is said.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.core.name_slices import sliced
from assay.core.terminal import shell_word

__all__ = ["unread_declared", "unread_hint"]


def _front(estimator: Any) -> Any:
    """The ``ColumnTransformer`` that first reads the model's input, or None: a Pipeline's
    first step, past steps that hand every column on unchanged (``"passthrough"``, None, a
    ``FunctionTransformer()`` of no function) and into a Pipeline nested there."""
    steps = getattr(estimator, "steps", None)
    if not isinstance(steps, list):
        return estimator if hasattr(estimator, "transformers_") else None
    for _, step in steps:
        if not _hands_on(step):
            return _front(step)
    return None


def _hands_on(step: Any) -> bool:
    """Whether a Pipeline step hands its input on unchanged (every column, as given)."""
    if step is None or (isinstance(step, str) and step == "passthrough"):
        return True
    plain = type(step).__name__ == "FunctionTransformer" and type(step).__module__.startswith(
        "sklearn."
    )
    return plain and getattr(step, "func", 0) is None and getattr(step, "validate", 1) is False


def _selected(columns: Any, names: Sequence[str]) -> set[str] | None:
    """The names a transformer's column selection reads; None when it is not understood."""
    if isinstance(columns, str | int) and not isinstance(columns, bool):
        columns = [columns]
    if isinstance(columns, slice):
        return _sliced(columns, names)
    try:
        items = list(columns)
    except TypeError:
        return None  # a callable left unresolved: unknown
    # a boolean mask (a NumPy one too: its items are ``np.bool_``, no ``bool``, and were read
    # as the positions 0 and 1, so a column the model reads could be called unread)
    if items and all(isinstance(c, bool | np.bool_) for c in items) and len(items) == len(names):
        return {n for n, keep in zip(names, items, strict=True) if keep}
    read: set[str] = set()
    for c in items:
        if isinstance(c, str):
            read.add(c)
        elif isinstance(c, int) and not isinstance(c, bool) and -len(names) <= c < len(names):
            read.add(names[c])
        else:
            try:
                at = int(c)  # numpy integers
            except (TypeError, ValueError):
                return None
            if not -len(names) <= at < len(names):
                return None
            read.add(names[at])
    return read


def _sliced(columns: slice, names: Sequence[str]) -> set[str] | None:
    """The names a slice selects: by position, or by name from its start to its stop, both
    included (``slice("sex", "income")``, as pandas' ``.loc`` reads it: a name slice raised
    ``TypeError`` here and the run ended on it); None when a name is not among ``names``."""
    picked = sliced(columns, names)
    return None if picked is None else set(picked)


def unread_declared(estimator: Any) -> tuple[str, ...]:
    """The declared columns that the model's front ``ColumnTransformer`` drops (no
    transformer of it selects them, or only ``"drop"`` does); () when that is not known."""
    names = getattr(estimator, "feature_names_in_", None)
    front = _front(estimator)
    if names is None or front is None:
        return ()
    declared = [str(n) for n in names]
    read: set[str] = set()
    for _, transformer, columns in front.transformers_:
        if isinstance(transformer, str) and transformer == "drop":
            continue
        chosen = _selected(columns, declared)
        if chosen is None:
            return ()
        read |= chosen
    return tuple(n for n in declared if n not in read)


def unread_hint(names: Sequence[str], estimator: Any) -> str:
    """Said beside a refusal of ``names`` (dates, times, or columns missing from the data)
    when the model declares them but never reads them; "" otherwise."""
    unread = set(unread_declared(estimator))
    these = [n for n in names if n in unread]
    if not these:
        return ""
    assigned = ", ".join(f"{n}=0" if n.isidentifier() else f"**{{{n!r}: 0}}" for n in these)
    listed = ", ".join(repr(n) for n in these)
    return (
        f"; the model declares {listed} (its feature_names_in_: the frame it was fitted on "
        f"held {'it' if len(these) == 1 else 'them'}) but never reads "
        f"{'it' if len(these) == 1 else 'them'}: its ColumnTransformer drops "
        f"{'it' if len(these) == 1 else 'them'}, so any one value gives the same answers; give "
        f"{'it' if len(these) == 1 else 'them'} as a number it ignores: in Python "
        f"data.assign({assigned}); in a data file, a column of 0 "
        f"({', '.join(shell_word(n) for n in these)})"
    )
