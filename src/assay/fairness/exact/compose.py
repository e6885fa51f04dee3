"""Tree arrays in the schema's terms: which encoded feature each column the trees see comes from.

The model's own preprocessing (one-hot encoders, scalers, column selection) is composed into
the boxes by probing it: each encoded feature is varied alone, and every output column must
move with at most one feature; a discrete feature's column is then a table of values, and a
continuous feature's column must be affine in it: at its bounds, at points between them, and
at the data rows' values of it (an encoder of categories in front of a wide integer, a zip
code, is constant between the codes it knows and moves at the data's).  Anything else is
refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assay.fairness.exact.domain import WIDE
from assay.fairness.exact.trees import Column, Tree, TreeModel
from assay.fairness.schema import Schema

__all__ = ["compose", "compose_read", "passing32"]


def compose(
    schema: Schema,
    trees: Sequence[Any],
    *,
    combine: Any,
    base: np.ndarray | None = None,
    scale: float = 1.0,
    cut: float = 0.0,
    source: str = "",
    steps: tuple[str, ...] = (),
    transform: Callable[[Any], np.ndarray] | None = None,
    float32: bool = False,
    inputs32: bool = False,
    data: np.ndarray | None = None,
    known: dict[str, np.ndarray] | None = None,
) -> TreeModel | str:
    """A ``TreeModel`` over ``schema``, or why the columns cannot be composed into boxes.

    ``trees``: objects with ``feature``, ``threshold``, ``left``, ``right``, ``value`` arrays;
    ``transform``: the model's raw rows (``schema.decode``) to the columns the trees see;
    ``inputs32``: the trees round each value to float32 before it meets a threshold
    (scikit-learn's trees and forests, an ONNX graph fed floats): each threshold moves to the
    largest float64 that rounding lets pass, so that the boxes are cut where the model cuts;
    ``data``: encoded data rows, whose values of each continuous or wide feature are probed
    too (``probe_points``), as are ``known``'s values (per feature name: the categories the
    model's encoders were fitted on).
    """
    plain = tuple(
        Tree(
            feature=np.asarray(t.feature, dtype=np.int64),
            threshold=passing32(t.threshold) if inputs32 else np.asarray(t.threshold, float),
            left=np.asarray(t.left, dtype=np.int64),
            right=np.asarray(t.right, dtype=np.int64),
            value=np.asarray(t.value, dtype=np.float64),
            missing_left=_missing_left(t),
        )
        for t in trees
    )
    if not plain:
        return "the model has no trees"
    if transform is None:
        columns: tuple[Column, ...] | str = tuple(_identity(schema, j) for j in range(len(schema)))
    else:
        columns = _probe(schema, transform, data, known or {})
    if isinstance(columns, str):
        return columns
    used = max((int(t.feature.max()) for t in plain), default=-1)
    if used >= len(columns):
        return (
            f"the trees split on column {used} but the model's input has {len(columns)} "
            "columns after preprocessing"
        )
    unknown = _nan_unknown(plain, columns)
    if unknown is not None:
        return unknown
    return TreeModel(
        trees=plain,
        columns=columns,
        combine=combine,
        base=None if base is None else np.asarray(base, dtype=np.float64),
        scale=scale,
        cut=cut,
        source=source,
        preprocessing=steps,
        float32=float32,
    )


def compose_read(schema: Schema, arrays: Any, data: np.ndarray | None = None) -> TreeModel | str:
    """``compose`` with the fields of a model's trees as read (``assay.models.trees``'s
    ``Ensemble``: trees, combine, base, scale, cut, source, steps, transform, float32,
    inputs32), and the encoded data rows (``data``) the preprocessing is probed at too."""
    return compose(
        schema,
        arrays.trees,
        combine=arrays.combine,
        base=arrays.base,
        scale=arrays.scale,
        cut=arrays.cut,
        source=arrays.source,
        steps=arrays.steps,
        transform=arrays.transform,
        float32=getattr(arrays, "float32", False),
        inputs32=getattr(arrays, "inputs32", False),
        data=data,
        known=getattr(arrays, "known", None),
    )


def passing32(threshold: Any) -> np.ndarray:
    """For each threshold ``t``, the largest float64 ``y`` with ``float32(y) <= t``: a model
    that rounds its input to float32 before ``<= t`` sends ``x`` left exactly when
    ``x <= passing32(t)`` (0.7 is 0.69999999 in float32, which a threshold of float32(0.7)
    sends left; a value halfway between two float32 numbers rounds to the even one)."""
    t = np.asarray(threshold, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        c = t.astype(np.float32)  # the nearest float32, then the largest one <= t
        c = np.where(c.astype(np.float64) > t, np.nextafter(c, np.float32(-np.inf)), c)
        up = np.nextafter(c, np.float32(np.inf))
        # the halfway point rounds to c or to up (to even): the last value rounding to c
        mid = (c.astype(np.float64) + up.astype(np.float64)) / 2
        out = np.where(mid.astype(np.float32) == c, mid, np.nextafter(mid, -np.inf))
    return np.where(np.isfinite(out) & np.isfinite(t), out, t)


def _missing_left(tree: Any) -> np.ndarray | None:
    going = getattr(tree, "missing_left", None)
    return None if going is None else np.asarray(going, dtype=bool)


def _nan_unknown(trees: tuple[Tree, ...], columns: tuple[Column, ...]) -> str | None:
    """Why the trees cannot be read when a missing value reaches a split of theirs whose
    way for it is not known (None: every such split says where it goes)."""
    nan_columns = {c for c, col in enumerate(columns) if col.may_be_nan()}
    for tree in trees:
        if tree.missing_left is None and nan_columns & set(
            tree.feature[tree.feature >= 0].tolist()
        ):
            return (
                "a missing value reaches the trees as NaN, and the trees as read do not say "
                "where NaN goes at their splits"
            )
    return None


def _identity(schema: Schema, j: int) -> Column:
    """The feature itself as the model's column (a missing value: NaN)."""
    f = schema.features[j]
    if f.kind == "continuous" or (f.kind == "integer" and (f.n_values or 0) > WIDE):
        return Column(j, missing_above=f.known_high if f.missing else None)
    if f.kind == "categorical":
        try:
            table = np.asarray(f.categories, dtype=np.float64)
        except (TypeError, ValueError):
            table = np.arange(len(f.categories or ()), dtype=np.float64)
    else:
        table = np.arange(f.encoded_low, f.known_high + 1, dtype=np.float64)
    if f.missing:
        table = np.append(table, np.nan)
    return Column(j, table, low=f.encoded_low)


def _probe(
    schema: Schema,
    transform: Callable[[Any], np.ndarray],
    data: np.ndarray | None,
    known: dict[str, np.ndarray],
) -> tuple[Column, ...] | str:
    base_row = schema.sample_uniform(np.random.default_rng(0), 1)[0]

    def columns_of(encoded: np.ndarray) -> np.ndarray:
        return np.asarray(transform(schema.decode(encoded)), dtype=np.float64)

    def moved(out: np.ndarray) -> np.ndarray:  # NaN (a missing value) equals NaN here
        same = (out == ref) | (np.isnan(out) & np.isnan(ref))
        return np.flatnonzero(np.any(~same, axis=0))

    ref = columns_of(base_row[None])[0]
    owner = np.full(len(ref), -1)
    # codes not placed on one of the schema's features by name (an encoder fed another
    # step's output, a pandas output's "remainder__zip"): probed for each of them
    names = {f.name for f in schema.features}
    unplaced = [v for name, v in known.items() if name not in names]
    probes: list[np.ndarray] = []
    grids: list[np.ndarray] = []
    for j, f in enumerate(schema.features):
        if _ranged(f):
            parts = [*unplaced, *([known[f.name]] if f.name in known else [])]
            codes = np.unique(np.concatenate(parts)) if parts else None
            too_many = _too_many_codes(f, codes)
            if too_many is not None:
                return too_many
            grid = probe_points(f, None if data is None else np.asarray(data)[:, j], codes)
            if f.missing:  # what the column is when the feature is missing, probed last
                grid = np.append(grid, f.encoded_high)
        else:
            grid = np.arange(f.encoded_low, f.encoded_high + 1)
        grids.append(grid)
        rows = np.repeat(base_row[None], len(grid), axis=0)
        rows[:, j] = grid
        out = columns_of(rows)
        probes.append(out)
        changed = moved(out)
        if np.any(owner[changed] >= 0):
            return "a column in front of the trees depends on two features"
        owner[changed] = j
    columns: list[Column] = []
    for c in range(len(ref)):
        j = int(owner[c])
        if j < 0:  # a constant column
            f0 = schema.features[0]
            if _ranged(f0):
                columns.append(Column(0, None, scale=0.0, offset=float(ref[c])))
            else:
                table = np.full(f0.n_values or 1, ref[c])
                columns.append(Column(0, table, low=f0.encoded_low))
            continue
        f = schema.features[j]
        values = probes[j][:, c]
        if _ranged(f):
            points = grids[j][: len(grids[j]) - int(f.missing)]
            lo, hi = float(points[0]), float(points[1])  # the bounds, first
            slope = (values[1] - values[0]) / (hi - lo) if hi > lo else 0.0
            offset = values[0] - slope * lo
            line = slope * points + offset
            # float noise of an affine step on large values (a timestamp scaled) is no kink
            noise = 1e-8 * max(1.0, float(np.max(np.abs(line))), abs(float(offset)))
            off = ~np.isclose(values[: len(points)], line, atol=noise)
            if off.any():
                at = f.display(f.value(float(points[int(np.argmax(off))])))
                return (
                    f"the column derived from {f.name} is not an affine function of it "
                    f"(not on the line through its bounds at {f.name} = {at})"
                )
            columns.append(
                Column(
                    j,
                    None,
                    scale=float(slope),
                    offset=float(offset),
                    missing_above=f.known_high if f.missing else None,
                    at_missing=float(values[-1]) if f.missing else float("nan"),
                )
            )
        else:
            columns.append(Column(j, values.copy(), low=f.encoded_low))
    return tuple(columns)


PROBED_BETWEEN = 33  # evenly spaced points of a continuous or wide feature, bounds included
PROBED_DATA = 1024  # and at most this many distinct values of the data's
PROBED_CODES = 2048  # every code an encoder knows in the range, refused beyond this many


def probe_points(f: Any, column: np.ndarray | None, codes: np.ndarray | None = None) -> np.ndarray:
    """Where a continuous or wide integer feature's columns are probed: its bounds first
    (the line through them is what the rest must lie on), then points evenly between them,
    then ``column``: the data rows' values of it (at most ``PROBED_DATA``, evenly among the
    distinct ones), then every one of ``codes`` in the range: the categories its encoders
    were fitted on.  An encoder's output moves only at its codes (elsewhere it is the
    unknown one's), so probing each code sees every column it makes move: a zip code's
    encoder (or a one-hot's frequent codes among infrequent ones) is not read as a constant.
    Wide integers are probed at integers."""
    lo, hi = float(f.encoded_low), float(f.known_high)
    between = np.linspace(lo, hi, PROBED_BETWEEN)[1:-1]
    seen = _in_range(column, lo, hi)
    if len(seen) > PROBED_DATA:
        seen = seen[np.linspace(0, len(seen) - 1, PROBED_DATA).round().astype(np.int64)]
    coded = _in_range(codes, lo, hi)
    points = np.concatenate([[lo, hi], between, seen, coded])
    if f.kind != "continuous":
        points = np.round(points)
    if len(coded):  # and between them: where an encoder answers its unknown value
        points = np.concatenate([points, _gaps(points, f.kind != "continuous")])
    return points


def _gaps(points: np.ndarray, whole: bool) -> np.ndarray:
    """A point strictly between each two neighbours of ``points`` (an integer for a
    ``whole`` feature), where one lies between them.  An encoder's output is its unknown
    value off its codes: when the codes hold every other point probed (incomes fitted in
    round thousands, 0 to 32,000: the 33 evenly spaced points are all codes) that value was
    never seen, the encoder read as the line through its codes and the exact figure wrong
    (left44m: "exact 4.69 %" where brute force finds 59.9 %)."""
    s = np.unique(points)
    mid = (s[:-1] + s[1:]) / 2
    if whole:
        mid = np.floor(mid)
    out: np.ndarray = mid[mid > s[:-1]]
    return out


def _in_range(values: np.ndarray | None, lo: float, hi: float) -> np.ndarray:
    if values is None or not len(values):
        return np.empty(0)
    c = np.asarray(values, dtype=np.float64)
    return np.unique(c[np.isfinite(c) & (c >= lo) & (c <= hi)])


def _too_many_codes(f: Any, codes: np.ndarray | None) -> str | None:
    """Why the exact analysis does not read ``f``'s columns: its encoders know more codes in
    its range than are probed one by one (None: every code is probed)."""
    n = len(_in_range(codes, float(f.encoded_low), float(f.known_high)))
    if n <= PROBED_CODES:
        return None
    return (
        f"an encoder in front of the trees was fitted on {n:,} values of {f.name}, more than "
        f"the {PROBED_CODES:,} the exact analysis probes one by one: its columns are not "
        "checked to be an affine function of it"
    )


def _ranged(f: Any) -> bool:
    """Continuous features and wide integer ones: columns on them must be affine."""
    return bool(f.kind == "continuous" or (f.kind == "integer" and (f.n_values or 0) > WIDE))
