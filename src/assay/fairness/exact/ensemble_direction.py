"""Who is favoured over an ensemble's discriminatory boxes, as the branch and bound decided them.

``ensemble.refine`` asked with ``direction`` counts, per atom ``alpha`` of the attribute, the
discriminatory mass in which ``alpha`` gets class 1 (the rest of the discriminatory mass gets
class 0: the refinement is binary).  Here that becomes ``ExactResult.class_mass`` (per atom and
class: the mass and the data rows), the form ``exact_direction.boxes_direction`` reads for
single trees too; the data rows' part is counted by classing every row with every value of
the attribute through the trees (the rows whose class changes, and the class each value
gives them).
"""

from __future__ import annotations

import time

import numpy as np

from assay.fairness.exact.domain import Atoms
from assay.fairness.exact.trees import TreeModel
from assay.fairness.schema import Schema

__all__ = ["class_mass", "rows_classes"]

_CELLS = 4_000_000  # cells (rows x model columns) of one block of rows classed at once


def rows_classes(
    schema: Schema, model: TreeModel, a: int, data: np.ndarray, deadline: float
) -> tuple[np.ndarray, int] | None:
    """Among the data rows whose class changes with the attribute alone: how many get class
    1 with each value of it (from its encoded low), and how many there are; None when that
    is not done by ``deadline``."""
    f = schema.features[a]
    values = np.arange(f.encoded_low, f.encoded_high + 1)
    step = max(1, _CELLS // max(1, len(model.columns)))
    ones = np.zeros(len(values), dtype=np.int64)
    changed = 0
    for start in range(0, len(data), step):
        block = np.array(data[start : start + step], dtype=np.float64, copy=True)
        got = np.empty((len(values), len(block)), dtype=np.int64)
        for i, v in enumerate(values):
            if time.monotonic() > deadline:
                return None
            block[:, a] = v
            got[i] = model.predict_encoded(block)
        moved = got.min(axis=0) != got.max(axis=0)
        changed += int(moved.sum())
        ones += (got[:, moved] == 1).sum(axis=1)
    return ones, changed


def class_mass(
    atoms: Atoms,
    low: float,
    ones: np.ndarray,
    disc_mass: float,
    rows: tuple[np.ndarray, int] | None,
) -> dict[tuple[int, int], tuple[float, int]]:
    """``ExactResult.class_mass`` of a binary ensemble: per atom of the attribute and class,
    the discriminatory mass and data rows in which that atom gets that class.  ``ones``: per
    atom, the discriminatory mass getting class 1 (``Refined.ones``); ``rows``: from
    ``rows_classes`` (per value; every value of an atom gets the same class), or None."""
    out: dict[tuple[int, int], tuple[float, int]] = {}
    by_atom: dict[int, int] = {}
    if rows is not None:
        codes = np.arange(len(rows[0])) + low
        for alpha, count in zip(atoms.atom_of(codes.astype(np.float64)), rows[0], strict=True):
            by_atom.setdefault(int(alpha), int(count))
    n_rows = 0 if rows is None else rows[1]
    for alpha in range(atoms.n):
        one = min(max(float(ones[alpha]), 0.0), disc_mass)
        r1 = by_atom.get(alpha, 0)
        out[(alpha, 1)] = (one, r1)
        out[(alpha, 0)] = (max(disc_mass - one, 0.0), n_rows - r1)
    return out
