"""Searches for individual discriminatory instances (IDIs) over an encoded-space model.

``make_search(strategy, ...)`` builds one; ``STRATEGIES`` lists the names and
``DEFAULT_STRATEGY`` is assay's own batched adaptive walk.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.core.run import Search
from assay.errors import UsageError
from assay.fairness.schema import Schema
from assay.fairness.search.aequitas import AequitasSearch
from assay.fairness.search.base import BaseSearch, SearchModel
from assay.fairness.search.expga import ExpGASearch
from assay.fairness.search.random import RandomSearch
from assay.fairness.search.walk import WalkSearch

__all__ = [
    "DEFAULT_STRATEGY",
    "STRATEGIES",
    "AequitasSearch",
    "BaseSearch",
    "ExpGASearch",
    "RandomSearch",
    "SearchModel",
    "WalkSearch",
    "make_search",
]

STRATEGIES = ("walk", "random", "aequitas-random", "aequitas-semi", "aequitas-full", "expga")
DEFAULT_STRATEGY = "walk"


def make_search(
    strategy: str,
    *,
    schema: Schema,
    model: SearchModel,
    rng: np.random.Generator,
    threshold: float | None = None,
    data: np.ndarray | None = None,
    start: str = "auto",
    batch_size: int | None = None,
    **options: Any,
) -> Search:
    """A search of the named strategy over ``model`` (encoded rows in, budgeted).

    ``data``: encoded real rows to start from (with ``start`` "auto" or "data"), or None.
    ``batch_size``: candidates per model call for the batched strategies.
    ``optimize`` (in options): "auto", "queries" or "time", for the default strategy (the
    others have one mode and ignore it).
    ``options``: strategy parameters (e.g. ``patience`` for walk, ``local_iterations`` for
    Aequitas).
    """
    optimize = options.pop("optimize", "auto")
    common: dict[str, Any] = {
        "schema": schema,
        "model": model,
        "rng": rng,
        "threshold": threshold,
        "data": data,
        "start": start,
    }
    if strategy == "walk":
        return WalkSearch(**common, batch_size=batch_size or 8192, optimize=optimize, **options)
    if strategy == "random":
        return RandomSearch(**common, batch_size=batch_size or 8192, **options)
    if strategy == "expga":
        return ExpGASearch(**common, **options)
    if strategy.startswith("aequitas-") and strategy in STRATEGIES:
        return AequitasSearch(**common, variant=strategy.split("-", 1)[1], **options)
    raise UsageError(
        f"unknown strategy {strategy!r}; choose one of {', '.join(STRATEGIES)}",
        argument="--strategy",
    )
