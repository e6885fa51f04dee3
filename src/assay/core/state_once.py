"""Resume-state appends a checkpoint holds twice are stored once.

A text run's checkpoint appended the keys of the sentences it asked under three names, byte
for byte the same (``budget.cache_keys``, ``search.asked``, ``search.keys``; at its first
checkpoint ``search.case_keys`` too): 3.58 MB of a store's 3.6 MB resume state after 139,000
queries with no finding.  A row whose bytes another append row of the same checkpoint holds
is stored as a reference to that row (part ``SAME``, data ``name NUL seq``) and read back as
its array.  The appends an ended run keeps for its answer (``KEPT_FOR_ANSWER``) are never
referred to nor refer (the others are dropped before them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from assay.core.answer_missing import KEPT_FOR_ANSWER
from assay.errors import StoreError

__all__ = ["SAME", "Row", "appends_read", "stored_once"]

SAME = "same"
APPEND = "append"

Row = tuple[str, int, str, bytes]  # (name, seq, part, data) as the ``state`` table holds it


def stored_once(rows: Iterable[Row]) -> list[Row]:
    """``rows`` of one checkpoint, each append whose bytes an earlier one of them holds made
    a reference to it."""
    first: dict[bytes, tuple[str, int]] = {}
    out: list[Row] = []
    for name, seq, part, data in rows:
        if part == APPEND and KEPT_FOR_ANSWER not in name:
            held = first.get(data)
            if held is not None:
                out.append((name, seq, SAME, f"{held[0]}\0{held[1]}".encode()))
                continue
            first[data] = (name, seq)
        out.append((name, seq, part, data))
    return out


def appends_read(
    rows: Iterable[tuple[str, int, bytes, bool]], read: Callable[[bytes], np.ndarray]
) -> dict[str, np.ndarray]:
    """Each name's appends in ``seq`` order, joined: ``rows`` are ``(name, seq, data,
    is_reference)`` in the order of ``(name, seq)``; ``read`` turns a row's bytes into its
    array."""
    arrays: dict[tuple[str, int], np.ndarray] = {}
    order: dict[str, list[tuple[str, int]]] = {}
    for name, seq, data, reference in rows:
        if reference:
            held, _, at = data.decode("utf-8", "replace").partition("\0")
            order.setdefault(name, []).append((held, int(at) if at.isdigit() else -1))
        else:
            arrays[(name, seq)] = read(data)
            order.setdefault(name, []).append((name, seq))
    try:
        return {k: np.concatenate([arrays[r] for r in rows_of]) for k, rows_of in order.items()}
    except KeyError as exc:
        raise StoreError(f"the run's resume state refers to a part it lacks ({exc})") from None
