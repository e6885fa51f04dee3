"""A protected ``category`` column's values that its dtype lists and no data row holds (a
sample without its rare group: ``F``, ``M`` held, ``X`` listed).  The input space is the
schema's: if the dtype says ``X`` is a sex, an input with sex ``X`` is one of the inputs
the model answers, so it is tested as one of the attribute's values, where the model was
fitted on it (its encoder lists it) or, when the model shows no encoder, answers it.  A
value the model's encoder was not fitted on is left out, and said (``notes``): the model
reads it as unknown, not as the category the dtype names."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from assay.core.model import Model
from assay.fairness.columns import model_categories
from assay.fairness.encoded import EncodedModel
from assay.fairness.schema import Schema

__all__ = ["add_listed"]


def add_listed(
    schema: Schema,
    encoded: np.ndarray | None,
    user_dtypes: dict[str, Any],
    estimator: Any,
    model: Model,
) -> tuple[Schema, dict[str, tuple[str, ...]]]:
    """The schema with each protected ``category`` column's listed values added after those
    held (the data's codes stay as they are), and per attribute the values added.  Only a
    column of two or more values held, with no missing value tested (its code is one past
    the last category), and only values the model was fitted on or answers."""
    if encoded is None or not len(encoded):
        return schema, {}
    known = model_categories(estimator) if estimator is not None else {}
    added: dict[str, tuple[str, ...]] = {}
    for name in schema.protected:
        feature = schema.feature(name)
        categories = getattr(user_dtypes.get(name), "categories", None)
        held = feature.categories or ()
        if categories is None or feature.kind != "categorical" or feature.missing:
            continue
        if feature.value_labels is not None:
            continue
        if len(held) < 2:
            continue
        listed = [c for c in categories if str(c) not in {str(h) for h in held}]
        if not listed:
            continue
        if name in known:  # the encoder says what the model was fitted on
            fitted = {str(v) for v in known[name]}
            listed = [c for c in listed if str(c) in fitted]
        else:
            listed = [c for c in listed if _answers(schema, encoded, name, c, model)]
        if listed:
            schema = _with_categories(schema, name, (*held, *listed))
            added[name] = tuple(str(c) for c in listed)
    return schema, added


def _with_categories(schema: Schema, name: str, categories: tuple[Any, ...]) -> Schema:
    features = tuple(
        replace(f, categories=categories) if f.name == name else f for f in schema.features
    )
    return replace(schema, features=features)


def _answers(schema: Schema, encoded: np.ndarray, name: str, value: Any, model: Model) -> bool:
    """Whether the model answers a data row whose ``name`` is ``value`` (one query)."""
    held = schema.feature(name).categories or ()
    wider = _with_categories(schema, name, (*held, value))
    row = np.array(encoded[:1], dtype=float)
    row[0, wider.names.index(name)] = len(held)
    try:
        EncodedModel(wider, model).predict(row)
    except Exception:  # (any refusal: the value is not one the model takes)
        return False
    return True
