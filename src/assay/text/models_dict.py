"""A notebook's classifiers given as a dict of names (``{"v1": clf_a, "v2": clf_b}``) to
``check_text``: refused naming the call that gives them, a list and ``names=``.

It was refused as one model: "a dict is not a model: expected a fitted estimator, a
callable, ... or a string; accepted forms: model.skops, ..." (hostile53), which says
neither that the classifiers go in a list nor how to keep their names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.errors import UsageError

__all__ = ["refuse_models_dict"]


def refuse_models_dict(models: Any) -> None:
    """Refuse ``models`` when it is a mapping of names to classifiers."""
    if not isinstance(models, Mapping) or not models:
        return
    keys = ", ".join(repr(k) for k in list(models)[:4]) + (", ..." if len(models) > 4 else "")
    raise UsageError(
        f"models is a dict (keys {keys}): give the classifiers as a list and their names as "
        "names=, in the same order: `check_text(list(models.values()), "
        "names=list(models), ...)`",
        argument="models",
    )
