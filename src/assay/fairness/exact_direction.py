"""Who is favoured on a small domain enumerated input by input, counted over every IDI.

An enumeration (``exact.enumerated``) asks every input of the domain with every value of the
attribute and keeps each IDI's classes: who gets the favourable class is then counted over
all of them (``distribution`` ``exact``), and over every data row that is an input of the
domain (``data``, ``exact``), not estimated on a sample.  When the enumeration asked the model
itself, the answer's samples would ask the same model the same inputs again: they are cut to
a check of ``ENUMERATED_CHECK`` inputs each (the share, the direction and the regions are the
enumeration's)."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.fairness.exact import ExactResult
from assay.fairness.exact.enumerated import idi_of_rows
from assay.fairness.schema import Schema

__all__ = ["ENUMERATED_CHECK", "answer_samples", "enumerated_direction"]

ENUMERATED_CHECK = 100
"""Inputs (and data rows) the answer still samples beside an enumeration that asked the model
every input: a check that it answers as it did, no more (``--answer-samples``' least)."""


def _enumerated(ex: Any) -> bool:
    return (
        isinstance(ex, ExactResult)
        and ex.status == "exact"
        and ex.idi_rows is not None
        and ex.idi_classes is not None
    )


def answer_samples(ex: Any, samples: int, data_rows: int, data_exact: bool) -> tuple[int, int]:
    """The uniform inputs and data rows the answer samples for an attribute: ``samples``
    and ``min(samples, data_rows)``, or a check of ``ENUMERATED_CHECK`` each when the model
    was asked every input of the domain (``ex.queries``; an enumeration through trees as read
    is checked by the full sample) and, for the data rows, their share and who is favoured
    among them were counted too (``data_exact``)."""
    uniform, data = samples, min(samples, data_rows)
    if not _enumerated(ex) or not ex.queries:
        return uniform, data
    uniform = min(uniform, ENUMERATED_CHECK)
    if ex.data is not None and data_exact:
        data = min(data, ENUMERATED_CHECK)
    return uniform, data


def enumerated_direction(
    schema: Schema, attribute: str, ex: Any, fav: int, data: np.ndarray | None
) -> tuple[list[dict[str, Any]], bool] | None:
    """Who is favoured over every IDI of an enumerated domain (``distribution`` ``exact``)
    and over the data rows among them (``data``, with ``exact`` true, when every data row is
    an input of the domain: then True beside the rows); None when ``ex`` is no enumeration."""
    if not _enumerated(ex):
        return None
    f = schema.feature(attribute)
    values = np.arange(f.encoded_low, f.encoded_high + 1)
    out = _rows(attribute, "exact", [f.label(v) for v in values], ex.idi_classes, fav)
    if data is None or not len(data):
        return out, False
    at = idi_of_rows(schema, schema.index(attribute), np.asarray(data, np.float64), ex.idi_rows)
    if at is None:
        return out, False
    in_data = ex.idi_classes[at[at >= 0]]
    rows = _rows(attribute, "data", [f.label(v) for v in values], in_data, fav)
    return out + [{**r, "exact": True} for r in rows], True


def _rows(
    attribute: str, distribution: str, labels: list[str], classes: np.ndarray, fav: int
) -> list[dict[str, Any]]:
    n = len(classes)
    out = []
    for i, label in enumerate(labels):
        got = int((classes[:, i] == fav).sum()) if n else 0
        out.append(
            {
                "attribute": attribute,
                "distribution": distribution,
                "value": label,
                "favoured_in": got / n if n else None,
                "idis": n,
                "favoured_count": got,
            }
        )
    return out
