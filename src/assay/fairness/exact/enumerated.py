"""Exact figures for any model on a small domain: every input asked, black box.

When every feature is discrete and the domain (every combination of the other features'
values) is small, the share of discriminatory inputs needs no trees and no sample: each
input is asked with every value of the attribute, and the share is counted.  The data rows
are enumerated the same way.  This is what a search that covered the whole space already
knew ("space covered"), said as an exact figure rather than a sampled interval beside it.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable

import numpy as np

from assay.fairness.exact.analysis import ExactResult, binned, domain_text, values_tried
from assay.fairness.exact.timecut import NOT_IN_TIME
from assay.fairness.schema import Feature, Schema

__all__ = [
    "MAX_ENUMERATED",
    "MAX_IDI_ROWS",
    "MAX_THROUGH_TREES",
    "enumerate_share",
    "idi_of_rows",
]

MAX_ENUMERATED = 250_000
"""Most model queries (inputs times values of the attribute) an enumeration may take."""

MAX_IDI_ROWS = 200_000
"""Enumerated discriminatory inputs kept for exact regions at most."""

MAX_THROUGH_TREES = 20_000_000
"""Most inputs times values an enumeration through a model's trees (no query) may class."""

_BLOCK = 4_096  # inputs of the domain asked at once (times the attribute's values)
_FIRST = 128  # the first block, which measures the model's pace

Classes = Callable[[np.ndarray], np.ndarray]  # encoded rows -> predicted class indices


_WRITTEN_OUT = 10**18


def _count(n: int) -> str:
    """``n`` as a count to read: written out up to 10^18, else its power of ten (a domain of
    10,000 columns has more inputs than Python writes as a number, 4,300 digits at most:
    ``f"{n:,}"`` raised and the run ended as an internal error)."""
    if n < _WRITTEN_OUT:
        return f"{n:,}"
    return f"about 10^{int(n.bit_length() * math.log10(2)):,}"


def enumerate_share(
    schema: Schema,
    classes: Classes,
    attribute: str,
    *,
    data: np.ndarray | None,
    deadline: float,
    source: str,
    max_queries: int = MAX_ENUMERATED,
    trees: bool = False,
    checked: bool = True,
) -> ExactResult | str:
    """The exact share of inputs (and of data rows) whose class changes with ``attribute``
    alone, every input of the domain asked; or why it is not done (a continuous feature, a
    domain too large, or not finished by ``deadline``: the sampled figures stand).
    ``trees``: ``classes`` are a model's trees as read (checked against the model), not the
    model: no query is asked of it.  ``checked``: whether the run checked that the model
    answers a repeated input alike (its flip check was made)."""
    t0 = time.monotonic()
    a = schema.index(attribute)
    others = [f for j, f in enumerate(schema.features) if j != a]
    wide = [f.name for f in others if f.kind == "continuous"]
    if wide:
        return f"a continuous feature ({wide[0]}): the domain cannot be enumerated"
    k = int(schema.features[a].n_values or 1)
    size = math.prod(int(f.n_values or 1) for f in others)
    n_rows = 0 if data is None else len(data)
    notes: list[str] = []
    if size * k > max_queries:
        return (
            f"the domain has {_count(size)} inputs besides {attribute}: enumerating it would "
            f"take {_count(size * k)} queries, more than {max_queries:,}"
        )
    pace = _Pace(size * k, deadline)
    counted = _changed_in_domain(schema, classes, a, pace, MAX_IDI_ROWS)
    if counted is None:
        return (
            f"enumerating the domain ({size * k:,} queries) {NOT_IN_TIME} "
            "for exact figures at the model's pace"
        )
    changed, idi_rows, idi_classes = counted
    data_share: tuple[float, float] | None = None
    asked_rows = 0  # data rows asked of their own (not inputs of the domain)
    late = False  # their enumeration given up at the deadline
    if data is not None and n_rows:
        rows = np.asarray(data, dtype=np.float64)
        # each row an input of the domain (2,000 rows beside a 32-input domain): its
        # answer is the domain's, read rather than asked again
        in_domain = _rows_among(schema, a, rows, idi_rows)
        if in_domain is not None:
            data_share = (in_domain / n_rows, in_domain / n_rows)
            notes.append(
                f"the {n_rows:,} data rows are inputs of the domain: their share is read from "
                "its answers (no query of their own)"
            )
        elif (size + n_rows) * k > max_queries:
            notes.append(
                f"the {n_rows:,} data rows were not enumerated (with them, "
                f"{(size + n_rows) * k:,} queries, more than {max_queries:,}): the "
                "sampled figure stands for them"
            )
        else:
            pace.total += n_rows * k
            in_data = _changed_rows(classes, rows, a, _values(schema.features[a]), pace)
            late = in_data is None  # (the clock, not the domain, decided it)
            if in_data is None:
                notes.append(
                    f"the {n_rows:,} data rows were not enumerated in time: the sampled "
                    "figure stands for them"
                )
            else:
                data_share = (in_data / n_rows, in_data / n_rows)
                asked_rows = n_rows
    share = changed / size if size else 0.0
    certificate = None
    if changed == 0:
        certificate = (
            f"no input in this domain changes outcome with {attribute}"
            f"{binned(schema.features[a])}: each of its {size:,} "
            f"inputs was {'classed' if trees else 'asked'} with every value of {attribute}, "
            "and none was answered otherwise"
        )
    assumptions = [
        "the domain: " + "; ".join(domain_text(f) for f in others),
        values_tried(schema.features[a]),
        "outcomes compared as the model's predicted class",
        f"every input of the domain ({size * k:,} with every value) classed by the trees as "
        "read, in their arithmetic"
        if trees
        else f"every input of the domain asked of the model ({size * k:,} queries): the model "
        "is taken to answer as it did ("
        + (
            "the run checks that it answers a repeated input alike)"
            if checked
            else "not checked: the run's determinism check was not made)"
        ),
        *([f"the model as read: {source}"] if trees else []),
        *notes,
    ]
    return ExactResult(
        attribute=attribute,
        status="exact",
        uniform=(share, share),
        data=data_share,
        data_rows=n_rows,
        boxes=[],
        n_boxes=0,
        seconds=time.monotonic() - t0,
        source=source,
        assumptions=assumptions,
        certificate=certificate,
        cut_by_time=late,
        # (data rows read from the domain's answers asked nothing of their own)
        queries=0 if trees else (size + asked_rows) * k,
        idi_rows=idi_rows,
        idi_classes=idi_classes,
        every_box_note=None
        if idi_rows is not None
        else f"{changed:,} IDIs enumerated, more than the {MAX_IDI_ROWS:,} kept for exact regions",
    )


def _values(f: Feature) -> np.ndarray:
    return np.arange(f.encoded_low, f.encoded_high + 1, dtype=np.float64)


class _Pace:
    """Gives up as soon as the queries left cannot be asked by the deadline at the pace of
    those asked so far (a first small block measures it: a slow model is not asked for
    seconds before the answer knows it cannot finish)."""

    def __init__(self, total: int, deadline: float) -> None:
        self.total, self.deadline = total, deadline
        self.asked = 0
        self.t0 = time.monotonic()

    def fits(self, more: int) -> bool:
        now = time.monotonic()
        if now > self.deadline:
            return False
        if not self.asked:
            return True
        pace = (now - self.t0) / self.asked
        return now + pace * (self.total - self.asked) <= self.deadline

    def blocks(self, n: int) -> list[tuple[int, int]]:
        """Blocks of ``n`` inputs: a small first one, then ``_BLOCK`` each."""
        edges = [0, min(n, _FIRST), *range(_FIRST + _BLOCK, n, _BLOCK), n]
        edges = sorted(set(edges))
        return list(itertools.pairwise(edges))


def _rows_among(
    schema: Schema, a: int, rows: np.ndarray, idi_rows: np.ndarray | None
) -> int | None:
    """How many of ``rows`` are, but for feature ``a``, among the domain's inputs whose class
    changes with it (``idi_rows``, every one of them); None when they are not all kept or a
    row is not an input of the enumerated domain."""
    at = idi_of_rows(schema, a, rows, idi_rows)
    return None if at is None else int((at >= 0).sum())


def idi_of_rows(
    schema: Schema, a: int, rows: np.ndarray, idi_rows: np.ndarray | None
) -> np.ndarray | None:
    """Per row of ``rows``: its place among the domain's IDIs (``idi_rows``, every one of
    them), but for feature ``a``, or -1 when it is none of them; None when they are not all
    kept or a row is not an input of the enumerated domain."""
    if idi_rows is None:
        return None
    free = [j for j in range(len(schema.features)) if j != a]
    axes = [_values(schema.features[j]) for j in free]
    if not free:
        return np.full(len(rows), 0 if len(idi_rows) else -1, dtype=np.int64)

    def flat(encoded: np.ndarray) -> np.ndarray | None:
        places = []
        for j, axis in zip(free, axes, strict=True):
            at = np.clip(np.searchsorted(axis, encoded[:, j]), 0, len(axis) - 1)
            if not np.array_equal(axis[at], encoded[:, j]):
                return None
            places.append(at)
        return np.ravel_multi_index(places, [len(v) for v in axes])

    mine, idis = flat(rows), flat(idi_rows)
    if mine is None or idis is None:
        return None
    order = np.argsort(idis, kind="stable")
    at = np.clip(np.searchsorted(idis, mine, sorter=order), 0, max(len(idis) - 1, 0))
    found = order[at] if len(idis) else np.zeros(len(mine), dtype=np.int64)
    hit = (idis[found] == mine) if len(idis) else np.zeros(len(mine), dtype=bool)
    return np.where(hit, found, -1).astype(np.int64)


def _changed_in_domain(
    schema: Schema, classes: Classes, a: int, pace: _Pace, keep: int = 0
) -> tuple[int, np.ndarray | None, np.ndarray | None] | None:
    """Inputs of the whole domain whose class changes with feature ``a``, those inputs
    (encoded rows; None when more than ``keep``) and their class with each value of ``a``
    (one column per value, in order: who is favoured, counted exactly); None if late."""
    kept: list[np.ndarray] | None = []
    kept_classes: list[np.ndarray] = []
    free = [j for j in range(len(schema.features)) if j != a]
    axes = [_values(schema.features[j]) for j in free]
    sizes = [len(v) for v in axes]
    size = math.prod(sizes)
    values = _values(schema.features[a])
    changed = 0
    for start, stop in pace.blocks(size):
        flat = np.arange(start, stop)
        rows = np.zeros((len(flat), len(schema.features)), dtype=np.float64)
        if free:
            for j, axis, idx in zip(free, axes, np.unravel_index(flat, sizes), strict=True):
                rows[:, j] = axis[idx]
        answered = _answers(classes, rows, a, values, pace)
        if answered is None:
            return None
        got = answered.min(axis=1) != answered.max(axis=1)
        changed += int(got.sum())
        if changed > keep:
            kept = None
        elif kept is not None and got.any():
            kept.append(rows[got])
            kept_classes.append(answered[got])
    if kept is None:
        return changed, None, None
    if not kept:
        return changed, np.zeros((0, len(schema.features))), np.zeros((0, len(values)), np.int64)
    return changed, np.concatenate(kept), np.concatenate(kept_classes).astype(np.int64)


def _answers(
    classes: Classes, rows: np.ndarray, a: int, values: np.ndarray, pace: _Pace
) -> np.ndarray | None:
    """``(n, k)``: each row's class as feature ``a`` takes each of ``values``; None if late."""
    n, k = len(rows), len(values)
    if not pace.fits(n * k):
        return None
    asked = np.repeat(rows, k, axis=0)
    asked[:, a] = np.tile(values, n)
    got: np.ndarray = np.asarray(classes(asked)).reshape(n, k)
    pace.asked += n * k
    return got


def _changed(
    classes: Classes, rows: np.ndarray, a: int, values: np.ndarray, pace: _Pace
) -> np.ndarray | None:
    """Which rows' class changes as feature ``a`` takes each of ``values``; None if late."""
    got = _answers(classes, rows, a, values, pace)
    if got is None:
        return None
    changed: np.ndarray = got.min(axis=1) != got.max(axis=1)
    return changed


def _changed_rows(
    classes: Classes, data: np.ndarray, a: int, values: np.ndarray, pace: _Pace
) -> int | None:
    """Data rows whose class changes with feature ``a``; None if late."""
    changed = 0
    for start in range(0, len(data), _BLOCK):
        got = _changed(classes, data[start : start + _BLOCK].copy(), a, values, pace)
        if got is None:
            return None
        changed += int(got.sum())
    return changed
