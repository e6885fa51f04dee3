"""The columns a ``slice`` selects among a table's column names, as scikit-learn's
``ColumnTransformer`` reads it on a DataFrame: by position (``slice(0, 2)``), or by name from
its start to its stop, both included (``slice("sex", "income")``, pandas' ``.loc``).  Read
alike where a fairness run asks which declared columns a model never reads
(``fairness.unread_columns``) and where the exact analysis places an encoder's codes on the
column they came from (``models.step_values``)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["sliced"]


def sliced(columns: slice, names: Sequence[str]) -> list[str] | None:
    """The names ``columns`` selects, in ``names``' order; None when an end is a name not
    among ``names``."""
    start, stop, step = columns.start, columns.stop, columns.step
    if all(e is None or isinstance(e, int) for e in (start, stop)):
        return list(names[columns])
    if any(e is not None and e not in names for e in (start, stop)):
        return None
    first = 0 if start is None else list(names).index(start)
    last = len(names) if stop is None else list(names).index(stop) + 1
    return list(names[first:last:step])
