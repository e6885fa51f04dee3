"""A column left in the data that looks like the true label, beside a model that names none
of its columns (hostile53c #10): such a model (a function of a numpy array or of a
DataFrame, a matrix-fitted estimator) is given every column of the data, so a target left
in the frame is searched as one more feature (its values changed in
the generated inputs, the inputs' space another), and nothing said it.  A column named like
a label (``income``, ``target``, ``label``, ``y``, ``class``) or whose values agree with the
model's answers on the data rows asked at loading (one to one, on at least ``AGREEING`` of
them) is named in a warning with what to do."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from assay.core.terminal import shell_word
from assay.fairness.schema import Schema

__all__ = ["AGREEING", "LABEL_NAMES", "candidates", "label_like_note"]

LABEL_NAMES = frozenset({"income", "target", "label", "y", "class"})
AGREEING = 0.9  # the share of the rows asked on which a column must agree with the answers


def candidates(schema: Schema, rows: np.ndarray | None, n_classes: int | None) -> list[int]:
    """The columns (by position) that could be the label: not protected, and named like a
    label or holding as many distinct values as the model has classes, or fewer (at least
    two) in ``rows``."""
    most = n_classes if n_classes is not None and n_classes >= 2 else 2
    out = []
    for j, feat in enumerate(schema.features):
        if feat.name in schema.protected:
            continue
        if feat.name.strip().casefold() in LABEL_NAMES:
            out.append(j)
            continue
        if rows is None or not len(rows):
            continue
        held = np.unique(np.asarray(rows[:, j], dtype=np.float64))
        held = held[~np.isnan(held)]
        if 2 <= len(held) <= most:
            out.append(j)
    return out


def agreement(values: np.ndarray, answers: np.ndarray) -> float:
    """The share of rows on which ``values`` name ``answers`` one to one: each value paired
    with the answer most rows holding it got, no two values with one answer (0.0 else, and
    for a column of one value)."""
    values = np.asarray(values, dtype=np.float64)
    answers = np.asarray(answers).reshape(-1)
    if len(values) != len(answers) or not len(values):
        return 0.0
    paired: dict[float, object] = {}
    agreeing = 0
    for v in np.unique(values):
        got = answers[values == v]
        kinds, counts = np.unique(got, return_counts=True)
        best = int(np.argmax(counts))
        paired[float(v)] = kinds[best].item()
        agreeing += int(counts[best])
    if len(paired) < 2 or len(set(paired.values())) != len(paired):
        return 0.0
    return agreeing / len(values)


def label_like_note(
    schema: Schema,
    rows: np.ndarray | None,
    n_classes: int | None,
    ask: Callable[[np.ndarray], np.ndarray | None] | None,
) -> str | None:
    """The warning on the columns that look like the true label (None: none does), for a
    model naming none of its columns, with no label named: ``rows`` the data rows
    to compare on (encoded), ``ask`` the model's class indices for them (None: compared by
    name alone; called only when a column may agree)."""
    found = candidates(schema, rows, n_classes)
    if not found:
        return None
    answers = None
    if ask is not None and rows is not None and len(rows):
        answers = ask(rows)
    said: list[str] = []
    names: list[str] = []
    for j in found:
        name = schema.names[j]
        why = []
        if name.strip().casefold() in LABEL_NAMES:
            why.append("named like a label")
        if answers is not None and rows is not None:
            share = agreement(rows[:, j], answers)
            if share >= AGREEING:
                why.append(
                    f"its values agree with the model's answers on {share:.0%} of the "
                    f"{len(rows):,} data rows asked at loading"
                )
        if why:
            said.append(f"{name!r} ({'; '.join(why)})")
            names.append(name)
    if not names:
        return None
    return _words(said, names)


def _words(said: Sequence[str], names: Sequence[str]) -> str:
    first = names[0]
    which = "it is" if len(names) == 1 else "one is"
    return (
        f"The data's column(s) {', '.join(said)} look like the true label, yet are searched "
        "as the model's inputs (a model that names none of its columns is given every column "
        f"of the data): if {which} the label, name it, label={first!r} in Python, "
        f"--label {shell_word(first)} on the command line (the group metrics use it, and it "
        f"is no longer searched), or set it aside (data.drop(columns=[{first!r}]); --drop "
        f"{shell_word(first)})"
    )
