"""Who is favoured, counted exactly: over every IDI of a small domain enumerated input by
input, or over the discriminatory boxes of trees (read box by box, or an ensemble's branch and
bound).

An enumeration (``exact.enumerated``) asks every input of the domain with every value of the
attribute and keeps each IDI's classes: who gets the favourable class is then counted over
all of them (``distribution`` ``exact``), and over every data row that is an input of the
domain (``data``, ``exact``), not estimated on a sample.  When the enumeration asked the model
itself, the answer's samples would ask the same model the same inputs again: they are cut to
a check of ``ENUMERATED_CHECK`` inputs each (the share, the direction and the regions are the
enumeration's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assay.core.display import tidy_share
from assay.fairness.exact import ExactResult
from assay.fairness.exact.enumerated import idi_of_rows
from assay.fairness.exact.rules import BoxSet, box_set, mass_inside
from assay.fairness.outcomes import outcome_shares
from assay.fairness.regions import Rule
from assay.fairness.schema import Schema

__all__ = [
    "ENUMERATED_CHECK",
    "RuleDirection",
    "answer_samples",
    "boxes_direction",
    "enumerated_direction",
]

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
    schema: Schema,
    attribute: str,
    ex: Any,
    fav: int,
    data: np.ndarray | None,
    classes: Sequence[str] = (),
) -> tuple[list[dict[str, Any]], bool] | None:
    """Who is favoured over every IDI of an enumerated domain (``distribution`` ``exact``)
    and over the data rows among them (``data``, with ``exact`` true, when every data row is
    an input of the domain: then True beside the rows); None when ``ex`` is no enumeration."""
    if not _enumerated(ex):
        return None
    f = schema.feature(attribute)
    values = np.arange(f.encoded_low, f.encoded_high + 1)
    out = _rows(attribute, "exact", [f.label(v) for v in values], ex.idi_classes, fav, classes)
    if data is None or not len(data):
        return out, False
    at = idi_of_rows(schema, schema.index(attribute), np.asarray(data, np.float64), ex.idi_rows)
    if at is None:
        return out, False
    in_data = ex.idi_classes[at[at >= 0]]
    rows = _rows(attribute, "data", [f.label(v) for v in values], in_data, fav, classes)
    return out + [{**r, "exact": True} for r in rows], True


def _rows(
    attribute: str,
    distribution: str,
    labels: list[str],
    classes: np.ndarray,
    fav: int,
    names: Sequence[str] = (),
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
                **outcome_shares(classes[:, i] if n else None, names),
            }
        )
    return out


def boxes_direction(
    schema: Schema, attribute: str, ex: Any, fav: int, classes: Sequence[str] = ()
) -> tuple[list[dict[str, Any]], bool] | None:
    """Who is favoured over the whole discriminatory input space of trees read box by box
    (``distribution`` ``exact space``: each value's share of the discriminatory volume in
    which it gets the favourable class, under the uniform distribution), and over the data
    rows inside those boxes (``data``, ``exact``; then True beside the rows).  An ensemble's
    branch and bound counts the same when asked (``analyse(direction=True)``: every value's
    class decided in each discriminatory box).  None when the analysis is not exact, or did
    not count who is favoured (it did not decide every value's class within its time): the
    sample says it then."""
    if not isinstance(ex, ExactResult) or ex.status != "exact" or not ex.class_mass:
        return None
    if ex.atoms is None:
        return None
    f = schema.feature(attribute)
    values = np.arange(f.encoded_low, f.encoded_high + 1)
    alphas = ex.atoms[schema.index(attribute)].atom_of(values.astype(np.float64))
    first = int(alphas[0])
    per = [mr for (al, _), mr in ex.class_mass.items() if al == first]
    mass = sum(m for m, _ in per)  # every atom's classes cover the same boxes
    rows = sum(r for _, r in per)
    if mass <= 0.0:
        return None
    space: list[dict[str, Any]] = []
    data: list[dict[str, Any]] = []
    for v, al in zip(values, alphas, strict=True):
        fav_mass, fav_rows = ex.class_mass.get((int(al), fav), (0.0, 0))
        # over this atom's own classes' mass: the same volume as ``mass``, summed in its own
        # order, so that a value favoured in all of it reads 1.0 (0.9999999999999998 over
        # the first atom's sum)
        own = sum(m for (a_, _), (m, _) in ex.class_mass.items() if a_ == int(al)) or mass
        common = {"attribute": attribute, "value": f.label(v)}
        space.append(
            {
                **common,
                "distribution": "exact space",
                "favoured_in": tidy_share(min(1.0, fav_mass / own)),
                "idis": None,  # a share of a volume (continuous features have no count)
                "share_of_space": tidy_share(fav_mass),
                **_box_outcomes(ex.class_mass, int(al), classes, own, 0),
            }
        )
        if ex.data is not None and rows:
            data.append(
                {
                    **common,
                    "distribution": "data",
                    "favoured_in": fav_rows / rows,
                    "idis": rows,
                    "favoured_count": fav_rows,
                    "exact": True,
                    **_box_outcomes(ex.class_mass, int(al), classes, rows, 1),
                }
            )
    return space + data, bool(data)


def _box_outcomes(
    class_mass: dict[tuple[int, int], tuple[float, int]],
    atom: int,
    classes: Sequence[str],
    whole: float,
    at: int,
) -> dict[str, Any]:
    """Each class's share of the discriminatory volume (``at`` 0) or rows (``at`` 1) in
    which the value of ``atom`` gets it, under ``gets`` (three classes and more)."""
    if len(classes) <= 2 or not whole:
        return {}
    return {
        "gets": {
            name: tidy_share(min(1.0, float(class_mass.get((atom, c), (0.0, 0))[at]) / whole))
            for c, name in enumerate(classes)
        }
    }


class RuleDirection:
    """Who is favoured inside each exact rule, counted as the attribute's own direction is:
    over the IDIs of an enumerated domain inside the rule (``idis`` their count), or over the
    discriminatory boxes of trees read box by box, each cut to the rule (``idis`` None: a
    share of the rule's discriminatory volume).  No interval: every IDI inside is counted.
    ``of(rule, keep)`` is None when the analysis did not keep what it needs (an ensemble's
    branch and bound, who is favoured not counted)."""

    def __init__(self, schema: Schema, attribute: str, ex: ExactResult, fav: int) -> None:
        self.schema, self.attribute, self.ex, self.fav = schema, attribute, ex, fav
        f = schema.feature(attribute)
        self.values = np.arange(f.encoded_low, f.encoded_high + 1)
        self.labels = [f.label(v) for v in self.values]
        self._sets: dict[tuple[int, int], BoxSet] = {}

    def of(self, rule: Rule, keep: tuple[np.ndarray, ...] | None) -> list[dict[str, Any]] | None:
        ex = self.ex
        if ex.idi_rows is not None and ex.idi_classes is not None:
            inside = ex.idi_classes[rule.contains(ex.idi_rows)]
            n = len(inside)
            counts = [int((inside[:, i] == self.fav).sum()) for i in range(len(self.values))]
            return [
                {"value": label, "favoured_in": got / n if n else None, "idis": n,
                 "favoured_count": got, "exact": True}
                for label, got in zip(self.labels, counts, strict=True)
            ]  # fmt: skip
        if keep is None or ex.class_boxes is None or ex.atoms is None:
            return None
        a = self.schema.index(self.attribute)
        alphas = ex.atoms[a].atom_of(self.values.astype(np.float64))
        out = []
        for label, al in zip(self.labels, alphas, strict=True):
            per = {c: self._mass(int(al), c, keep) for (x, c) in ex.class_boxes if x == int(al)}
            whole = sum(per.values())
            fav = per.get(self.fav, 0.0)
            share = tidy_share(min(1.0, fav / whole)) if whole else None
            out.append(
                {"value": label, "favoured_in": share, "idis": None,
                 "share_of_space": tidy_share(fav), "exact": True}
            )  # fmt: skip
        return out

    def _mass(self, alpha: int, cls: int, keep: tuple[np.ndarray, ...]) -> float:
        assert self.ex.class_boxes is not None and self.ex.atoms is not None
        got = self._sets.get((alpha, cls))
        if got is None:
            boxes = self.ex.class_boxes[(alpha, cls)]
            a = self.schema.index(self.attribute)
            got = self._sets[(alpha, cls)] = box_set(self.schema, self.ex.atoms, boxes, skip=a)
        return mass_inside(got, keep)
