"""A label column beside a score decided at ``--cutoff``: the true outcomes of the
application (``repaid`` yes/no), which the two decisions (``<=600``, ``>600``) do not name.

Group metrics compare each decision with the data's label.  With ``--cutoff`` a score
model's classes are the two sides of the cutoff; a label column of the application's
outcomes was refused as "label value 'yes' is not one of the model's classes", saying
neither why nor what to give.  Which outcome is which side is the application's to say (a
scorecard approves above C, so ``repaid=yes`` is ``>C``; a risk score's ``default=yes`` is
``>C`` as well, the unfavourable side): assay does not guess it.  The refusal says so and
shows the column to give, mapped by the user.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.errors import UsageError

__all__ = ["refuse_outcomes"]


def refuse_outcomes(
    values: np.ndarray, class_names: Any, decided: tuple[str, str] | None, label: str
) -> None:
    """Refuse (``UsageError``) a label column ``label`` (``values``) that does not name the
    decisions of a score decided at a cutoff (``decided``: its two classes, ``<=C`` and
    ``>C``, ``models.cutoff.cutoff_names``; None without a cutoff)."""
    if decided is None or class_names is None:
        return
    names = decided
    if tuple(class_names) != names:  # (two class probabilities: the model's own names)
        return
    # each value in its own type, as the user's frame holds it: the mapping shown is typed
    # as it is printed (a 0/1 column's keys 0 and 1, not '0' and '1', which map nothing)
    typed = {
        str(v): v.item() if isinstance(v, np.generic) else v
        for v in np.asarray(values)[:100_000].tolist()
    }
    seen = sorted(typed)
    if set(seen) <= set(names):
        return
    shown = ", ".join(repr(typed[v]) for v in seen[:4]) + (", ..." if len(seen) > 4 else "")
    low, high = names
    mapping = (
        f"{{{typed[seen[0]]!r}: {low!r}, {typed[seen[1]]!r}: {high!r}}}"
        if len(seen) == 2
        else f"{{...: {low!r}, ...: {high!r}}}"
    )
    raise UsageError(
        f"with --cutoff {high[1:]} the model's decisions are {low!r} and {high!r}, and "
        f"the label column {label!r} holds {shown}: group metrics compare each decision with "
        "the data's label, and which outcome is which side of the cutoff is the "
        f"application's to say (assay does not guess it); give a label column naming the "
        f"decision each row should have had, e.g. in pandas frame['decided'] = "
        f"frame.pop({label!r}).map({mapping}) then --label decided, or leave --label out (the "
        "search needs no labels)",
        argument="--label",
    )
