"""What the model would accept for a protected attribute the data holds one value of (a
file of men only).  The run is refused before the model is loaded; the refusal then names
the values the model's encoder was fitted on, so the user can tell which to add (a model
fitted on ``Female`` and ``Male`` tested on men only), read from an in-memory estimator or
a local model file; nothing is said when the model shows no encoder or cannot be loaded
here (a served model is never asked for this)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from assay.fairness.columns import model_categories

__all__ = ["encoder_values_said"]

_FILES = (".skops", ".joblib", ".pkl", ".pickle")
_SHOWN = 8


def encoder_values_said(
    model: Any,
    names: tuple[str, ...],
    *,
    model_type: str | None,
    load: Callable[[str], Any],
) -> str:
    """Words for the one-valued attributes among ``names`` whose encoder the model shows:
    `` (the model's OneHotEncoder was fitted on 'Female', 'Male' for 'sex': ...)``, or
    ``""``.  ``load`` loads a local model file as the run would (the shell's loader)."""
    estimator = _estimator(model, model_type=model_type, load=load)
    if estimator is None:
        return ""
    try:
        known = model_categories(estimator)
    except Exception:  # (an estimator walked wrongly is no reason to hide the refusal)
        return ""
    parts = []
    for name in names:
        values = known.get(name)
        if not values:
            continue
        shown = ", ".join(repr(str(v)) for v in values[:_SHOWN])
        more = f", ... ({len(values)} in all)" if len(values) > _SHOWN else ""
        parts.append(f"{shown}{more} for {name!r}")
    if not parts:
        return ""
    return (
        f" (the model's encoder was fitted on {'; '.join(parts)}: the values it accepts; "
        "give rows holding at least two of them)"
    )


def _estimator(model: Any, *, model_type: str | None, load: Callable[[str], Any]) -> Any:
    """The scikit-learn estimator behind ``model``: the object itself, or a local model
    file's, loaded as the run would load it; None otherwise."""
    if model is None:
        return None
    if not isinstance(model, str | os.PathLike):
        return getattr(model, "estimator", model)
    path = os.fspath(model)
    if "://" in path or not (
        path.lower().endswith(_FILES) or model_type in ("skops", "joblib", "pickle")
    ):
        return None
    if not os.path.isfile(path):
        return None
    try:
        loaded = load(path)
    except Exception:  # (refused here, the run's own loading says why, once it can run)
        return None
    while hasattr(loaded, "inner"):
        loaded = loaded.inner
    return getattr(loaded, "estimator", None)
