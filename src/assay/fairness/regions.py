"""Where discrimination concentrates: a few readable rules learned from unbiased samples.

Input: encoded rows drawn from a distribution (uniform or the data), each marked
discriminatory or not for one protected attribute.  A rule is a box: per feature, an interval
of values (ordered features) or a set of categories.  Rules are grown by peeling (PRIM, Friedman
and Fisher 1999): starting from the whole space, the thin slice (5 % of the rows inside) whose
removal most raises the share of discriminatory rows is removed, again and again; of the boxes
on the way the one with the best F1 score against the discriminatory rows is kept.  Its ranges
of ordered features are then moved off the bins' edges to the rows' own values, each the one
that best fits the rows given the rule's other conditions (the bins are a sixty-fourth of a
feature's range: a region of a twentieth of it could only be over- or under-cut by a bin on
each side).  The rows it covers are then set aside and the next rule is grown.  Each rule's
precision is then checked on held-out rows it was not learned from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assay.core.display import span, tidy_share
from assay.fairness.estimate import clopper_pearson
from assay.fairness.schema import MISSING_LABEL, Feature, Schema

__all__ = [
    "MAX_REGION_FEATURES",
    "Rule",
    "as_set",
    "learn_rules",
    "one_value",
    "rule_text",
    "rule_values",
    "set_text",
    "typed_value",
]

MAX_REGION_FEATURES = 2_000
"""Regions are learnt for schemas of at most this many features (each peeling step of the
rule search looks at every feature: 100,000 features took minutes)."""

_MAX_BINS = 64


@dataclass(frozen=True)
class Rule:
    """Per restricted feature: ``(low, high)`` encoded bounds (ordered) or a tuple of codes."""

    conditions: dict[int, tuple[float, float] | tuple[int, ...]]

    def contains(self, rows: np.ndarray) -> np.ndarray:
        inside = np.ones(len(rows), dtype=bool)
        for j, cond in self.conditions.items():
            if isinstance(cond, tuple) and len(cond) == 2 and isinstance(cond[0], float):
                inside &= (rows[:, j] >= cond[0]) & (rows[:, j] <= cond[1])
            else:
                inside &= np.isin(rows[:, j], np.asarray(cond, dtype=np.float64))
        return inside

    def volume(self, schema: Schema) -> float:
        """The rule's share of the input space under the uniform distribution."""
        v = 1.0
        for j, cond in self.conditions.items():
            f = schema.features[j]
            if as_set(f):
                v *= len(cond) / (f.n_values or 1)
            else:
                lo, hi = float(cond[0]), float(cond[1])
                if f.kind == "integer":
                    v *= (np.floor(hi) - np.ceil(lo) + 1) / (f.n_values or 1)
                else:
                    span = f.encoded_high - f.encoded_low
                    v *= (hi - lo) / span if span > 0 else 1.0
        return float(v)


def as_set(f: Feature) -> bool:
    """Whether rules restrict ``f`` to a set of its values (categories, and the codes of a
    nominal feature: their order means nothing) rather than to an interval."""
    return f.kind == "categorical" or (f.nominal and (f.n_values or 0) <= _MAX_BINS)


def _bins(f: Feature, column: np.ndarray, quantiles: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Bin index of each row and each bin's (low) edge; discrete small features bin per value.
    ``quantiles``: a wide feature's bins hold equal shares of the rows (data rows crowd where
    the people are: equal widths of the whole range would put most of them in one bin).
    An ordered feature that may be missing bins its known values so, and the missing value
    alone in a last bin of its own (never in one bin with the top known values)."""
    if f.missing and not as_set(f):
        gone = f.missing_mask(column)
        known_idx, known_edges = _bins(replace(f, missing=False), column[~gone], quantiles)
        idx = np.full(len(column), len(known_edges) - 1, dtype=np.int64)
        idx[~gone] = known_idx
        end = float(f.encoded_high) + (1.0 if f.kind == "integer" else 0.0)
        return idx, np.append(known_edges, end)
    if f.kind != "continuous" and (f.n_values or 0) <= _MAX_BINS:
        return (column - f.encoded_low).astype(np.int64), np.arange(
            f.encoded_low, f.encoded_high + 2
        )
    edges = np.linspace(f.encoded_low, f.encoded_high, _MAX_BINS + 1)
    if quantiles and len(column):
        inner = np.quantile(column, np.linspace(0, 1, _MAX_BINS + 1)[1:-1])
        inner = inner[(inner > f.encoded_low) & (inner < f.encoded_high)]
        edges = np.unique(np.concatenate([[f.encoded_low], inner, [f.encoded_high]]))
    if f.kind == "integer":
        edges = np.unique(np.round(edges))
    idx = np.clip(np.searchsorted(edges, column, side="right") - 1, 0, len(edges) - 2)
    top = np.append(edges[:-1], f.encoded_high + (1 if f.kind == "integer" else 0))
    return idx.astype(np.int64), top


def learn_rules(
    schema: Schema,
    rows: np.ndarray,
    disc: np.ndarray,
    *,
    skip: int,
    max_rules: int = 3,
    min_positives: int = 5,
    quantiles: bool = False,
) -> list[Rule]:
    """Up to ``max_rules`` boxes covering the discriminatory rows, best first (``quantiles``:
    wide features binned at the rows' quantiles, for rows that are not uniform)."""
    binned = []
    edges = []
    for j, f in enumerate(schema.features):
        b, e = _bins(f, rows[:, j], quantiles)
        binned.append(b)
        edges.append(e)
    left = disc.copy()
    rules: list[Rule] = []
    for _ in range(max_rules):
        if left.sum() < min_positives:
            break
        rule = _grow(schema, binned, edges, left, skip, min_positives)
        if rule is None:
            break
        rule = _refine(schema, rows, left, rule)
        covered = rule.contains(rows)
        if not (covered & left).any():
            break
        rules.append(rule)
        left &= ~covered
    return rules


def _grow(
    schema: Schema,
    binned: list[np.ndarray],
    edges: list[np.ndarray],
    pos: np.ndarray,
    skip: int,
    min_support: int,
    peel: float = 0.05,
) -> Rule | None:
    """Peel the box (PRIM): remove the thin slice that most raises the share of positives
    inside, again and again; keep the box on the way with the best F1 against the positives."""
    n_pos = int(pos.sum())
    inside = np.ones(len(pos), dtype=bool)
    keep = [np.ones(len(e) - 1, dtype=bool) for e in edges]
    best_f1 = 2 * n_pos / (len(pos) + n_pos)
    best_keep: list[np.ndarray] | None = None
    while True:
        n_in = int(inside.sum())
        candidates: list[tuple[float, int, np.ndarray]] = []
        for j, f in enumerate(schema.features):
            if j == skip:
                continue
            nb = len(edges[j]) - 1
            b = binned[j][inside]
            tp_bins = np.bincount(b[pos[inside]], minlength=nb).astype(np.float64)
            all_bins = np.bincount(b, minlength=nb).astype(np.float64)
            on = np.flatnonzero(keep[j])
            if len(on) <= 1:
                continue
            if as_set(f):
                rate = tp_bins[on] / np.maximum(all_bins[on], 1)
                drops = [on[np.argmin(rate)]]
                options = [np.array(drops)]
            else:
                options = []
                for side in (on, on[::-1]):
                    cum = np.cumsum(all_bins[side])
                    k = int(np.searchsorted(cum, peel * n_in)) + 1
                    if k < len(side):
                        options.append(side[:k])
            for drop in options:
                left_tp = tp_bins[on].sum() - tp_bins[drop].sum()
                left_n = all_bins[on].sum() - all_bins[drop].sum()
                if left_tp < min_support or left_n <= 0:
                    continue
                new = keep[j].copy()
                new[drop] = False
                candidates.append((left_tp / left_n, j, new))
        if not candidates:
            break
        _, j, new = max(candidates, key=lambda c: c[0])
        keep[j] = new
        inside &= new[binned[j]]
        tp = int((inside & pos).sum())
        f1 = 2 * tp / (int(inside.sum()) + n_pos)
        if f1 > best_f1:
            best_f1, best_keep = f1, [k.copy() for k in keep]
    if best_keep is None:
        return None
    best_keep = _prune(binned, pos, _either_side(schema, binned, pos, best_keep, n_pos), n_pos)
    conditions: dict[int, tuple[float, float] | tuple[int, ...]] = {}
    for j, kept in enumerate(best_keep):
        if kept.all():
            continue
        f = schema.features[j]
        on = np.flatnonzero(kept)
        if as_set(f):
            conditions[j] = tuple(int(edges[j][c]) for c in on)
        else:
            e = edges[j]
            low = float(e[on[0]])
            if f.kind == "continuous" and f.missing and on[0] == len(e) - 2:
                low = float(np.nextafter(f.known_high, np.inf))  # the missing value alone
            high = float(e[on[-1] + 1]) - (1.0 if f.kind == "integer" else 0.0)
            conditions[j] = (low, high)
    return Rule(conditions)


def _refine(schema: Schema, rows: np.ndarray, pos: np.ndarray, rule: Rule) -> Rule:
    """``rule`` with each range of an ordered feature (one that is never missing) set at the
    rows' own values: per feature in turn, given the rule's other conditions, the range whose
    ends are discriminatory rows' values with the best F1 against ``pos``, each end then
    halfway to the nearest row beyond it (to the domain's end when none is); a range that
    comes to span the whole domain is dropped.  Twice over, the ends moving together."""
    conditions = dict(rule.conditions)
    n_pos = int(pos.sum())
    for _ in range(2):
        for j in sorted(conditions):
            f = schema.features[j]
            if as_set(f) or f.missing:
                continue
            others = Rule({k: c for k, c in conditions.items() if k != j}).contains(rows)
            got = _best_range(f, rows[others, j], pos[others], n_pos)
            if got is None:
                continue
            if got[0] <= f.encoded_low and got[1] >= f.encoded_high:
                del conditions[j]  # (the whole domain: no condition)
            else:
                conditions[j] = got
    return Rule(conditions)


def _best_range(
    f: Feature, values: np.ndarray, pos: np.ndarray, n_pos: int
) -> tuple[float, float] | None:
    """The range of ``values`` (one feature's, of the rows inside the rule's other conditions)
    with the best F1 against ``pos``, its ends between rows (see ``_refine``)."""
    hits = np.unique(values[pos])
    if not len(hits):
        return None
    order = np.sort(values)
    below = np.searchsorted(order, hits, side="left")  # rows under each candidate low
    upto = np.searchsorted(order, hits, side="right")  # rows up to each candidate high
    pos_sorted = np.sort(values[pos])
    pos_below = np.searchsorted(pos_sorted, hits, side="left")
    pos_upto = np.searchsorted(pos_sorted, hits, side="right")
    best, lo_i, hi_i = -1.0, 0, len(hits) - 1
    # ends moved in turn: the low end given the high one, then the high end given the low
    for _ in range(3):
        tp = pos_upto[hi_i] - pos_below[: hi_i + 1]
        n = upto[hi_i] - below[: hi_i + 1]
        f1 = 2 * tp / (n + n_pos)
        lo_i = int(np.argmax(f1))
        tp = pos_upto[lo_i:] - pos_below[lo_i]
        n = upto[lo_i:] - below[lo_i]
        f1 = 2 * tp / (n + n_pos)
        hi_i = lo_i + int(np.argmax(f1))
        if float(f1.max()) <= best:
            break
        best = float(f1.max())
    lo, hi = float(hits[lo_i]), float(hits[hi_i])
    under = order[order < lo]
    over = order[order > hi]
    lo = _between(f, float(under[-1]), lo, up=True) if len(under) else float(f.encoded_low)
    hi = _between(f, hi, float(over[0]), up=False) if len(over) else float(f.encoded_high)
    return lo, hi


def _between(f: Feature, a: float, b: float, *, up: bool) -> float:
    """Halfway between two values ``a`` < ``b`` of ``f``: a whole number for an integer
    feature (the range's low end ``up``: above ``a``; its high end: below ``b``)."""
    mid = (a + b) / 2
    if f.kind != "integer":
        return mid
    return float(max(np.ceil(mid), a + 1)) if up else float(min(np.floor(mid), b - 1))


def _f1(binned: list[np.ndarray], pos: np.ndarray, keep: list[np.ndarray], n_pos: int) -> float:
    inside = np.ones(len(pos), dtype=bool)
    for j, k in enumerate(keep):
        if not k.all():
            inside &= k[binned[j]]
    return 2 * int((inside & pos).sum()) / (int(inside.sum()) + n_pos)


def _either_side(
    schema: Schema, binned: list[np.ndarray], pos: np.ndarray, keep: list[np.ndarray], n_pos: int
) -> list[np.ndarray]:
    """A peeled box whose range of an ordered feature reaches its missing value (the last
    bin), tried with the missing value alone and with the known values alone: peeling keeps
    the top known values beside the missing one ("income = 99 or income is missing" for a
    bias confined to the missing income), each variant kept when its F1 is better."""
    keep = [k.copy() for k in keep]
    score = _f1(binned, pos, keep, n_pos)
    for j, f in enumerate(schema.features):
        k = keep[j]
        if not (f.missing and not as_set(f) and k[-1] and k[:-1].any()):
            continue
        alone = np.zeros_like(k)
        alone[-1] = True
        known = k.copy()
        known[-1] = False
        for trial in (alone, known):
            got = _f1(binned, pos, [*keep[:j], trial, *keep[j + 1 :]], n_pos)
            if got > score:
                score, keep[j] = got, trial
    return keep


def _prune(
    binned: list[np.ndarray], pos: np.ndarray, keep: list[np.ndarray], n_pos: int
) -> list[np.ndarray]:
    """Drop conditions that barely matter (F1 within 5 %), so a rule stays readable."""

    def f1(kept: list[np.ndarray]) -> float:
        return _f1(binned, pos, kept, n_pos)

    keep = [k.copy() for k in keep]
    score = f1(keep)
    changed = True
    while changed:
        changed = False
        best: tuple[float, int] | None = None
        for j, k in enumerate(keep):
            if k.all():
                continue
            trial = [*keep[:j], np.ones_like(k), *keep[j + 1 :]]
            got = f1(trial)
            if got >= 0.95 * score and (best is None or got > best[0]):
                best = (got, j)
        if best is not None:
            keep[best[1]] = np.ones_like(keep[best[1]])
            score = max(score, best[0]) if best[0] > score else best[0]
            changed = True
    return keep


def rule_text(schema: Schema, rule: Rule) -> str:
    """``age 30-39 and occupation in {Tech-support, Sales}``, in the user's values."""
    parts = []
    for j, cond in sorted(rule.conditions.items()):
        f = schema.features[j]
        if as_set(f):
            parts.append(set_text(f, [int(c) for c in cond]))
            continue
        lo, hi = float(cond[0]), float(cond[1])
        if f.missing and hi > f.known_high:  # the range reaches the missing value
            if lo > f.known_high:
                parts.append(f"{f.name} is missing")
            else:
                known = _range_text(f, lo, f.known_high)
                parts.append(f"({known} or {f.name} is missing)")
            continue
        parts.append(_range_text(f, lo, hi))
    return " and ".join(parts) if parts else "everywhere"


def _range_text(f: Feature, lo: float, hi: float) -> str:
    """An ordered feature's known values from ``lo`` to ``hi`` (encoded)."""
    top = f.known_high
    if f.kind == "integer" and f.value_labels is not None:
        return labelled_range(f, int(lo), int(hi))
    if f.kind == "integer":
        if lo == hi:
            return f"{f.name} = {int(lo)}"
        if lo <= f.encoded_low:
            return f"{f.name} <= {int(hi)}"
        if hi >= top:
            return f"{f.name} >= {int(lo)}"
        return f"{f.name} {int(lo)}-{int(hi)}"
    # (an end of the domain is said as such: "x <= 0.539", not "x 0.0000073 to 0.539")
    low, high = span(lo, hi)
    if lo <= f.encoded_low and hi < top:
        return f"{f.name} <= {high}"
    if hi >= top and lo > f.encoded_low:
        return f"{f.name} >= {low}"
    return f"{f.name} {low} to {high}"


def rule_values(schema: Schema, rule: Rule) -> dict[str, list[Any]]:
    """The rule's conditions in the data's own values, to select the user's rows with:
    categories as given (``"Female"``, ``True``; a named value or bin by its name), ranges of
    numbers as ``[low, high]`` in the column's units (``conditions`` holds the codes)."""
    out: dict[str, list[Any]] = {}
    for j, cond in sorted(rule.conditions.items()):
        f = schema.features[j]
        if as_set(f):
            out[f.name] = [typed_value(f, c) for c in cond]
            continue
        lo, hi = float(cond[0]), float(cond[1])
        empty = f.missing and hi > f.known_high  # the range reaches the missing value
        hi = min(hi, f.known_high)
        if lo > hi:
            out[f.name] = [None]  # missing only
            continue
        if f.kind == "integer" and f.value_labels is not None:
            out[f.name] = [typed_value(f, v) for v in range(int(lo), int(hi) + 1)]
        elif f.kind == "integer":
            out[f.name] = [int(lo), int(hi)]
        else:
            out[f.name] = [float(lo), float(hi)]
        if empty:
            out[f.name].append(None)  # (and missing)
    return out


def typed_value(f: Feature, code: float) -> Any:
    """One encoded value as the data has it, typed for JSON (a region's ``values`` and
    witnesses): a category as given (``"Female"``, ``true``, ``1``), a named value or bin by
    its name, an int, or a float to the six significant digits the text shows; ``None``
    for the missing value."""
    if f.is_missing(code):
        return None
    if f.kind == "categorical":
        return f.value(code) if f.value_labels is None else f.value_labels[int(code)]
    if f.kind == "integer":
        return int(code) if f.value_labels is None else f.value_labels[int(code) - int(f.low or 0)]
    return float(f.label(code))


def check_rule(
    schema: Schema,
    rule: Rule,
    held_rows: np.ndarray,
    held_disc: np.ndarray,
    *,
    data: np.ndarray | None,
    distribution_weight: float | None = None,
) -> dict[str, Any]:
    """The rule's held-out precision (with interval), recall, and weights."""
    inside = rule.contains(held_rows)
    k, n = int((inside & held_disc).sum()), int(inside.sum())
    low, high = clopper_pearson(k, n)
    total = int(held_disc.sum())
    return {
        "rule": rule_text(schema, rule),
        "share_inside": k / n if n else None,
        "share_inside_low": low,
        "share_inside_high": high,
        "held_out_rows_inside": n,
        "recall": k / total if total else None,  # (of the held-out IDIs: k of total)
        "held_out_idis": total,
        "held_out_idis_inside": k,
        "weight_space": tidy_share(rule.volume(schema)),
        "weight_data": None if data is None or not len(data) else float(rule.contains(data).mean()),
        "sample_weight": distribution_weight,
    }


def one_value(name: str, label: str) -> str:
    """``sex = Female``; a bin named by its bounds reads as one: ``hours >= 80`` (not ``hours
    = >= 80``), ``hours in [40, 80)``; the missing value: ``income is missing``."""
    if label == MISSING_LABEL:
        return f"{name} is missing"
    if label.startswith(("<", ">")):
        return f"{name} {label}"
    if label.startswith("["):
        return f"{name} in {label}"
    return f"{name} = {label}"


def labelled_range(f: Feature, lo: int, hi: int) -> str:
    """An ordered feature with value labels: ``age 30-39 (3) to 50-59 (5)``, open ranges
    ``age 30-39 (3) or higher`` and ``capital_gain 6000-6999 (6) or lower`` (a binned value
    after "from" or "up to" read as its own bounds); a nominal one's codes as the set they
    are: ``occupation in {Sales (3), Adm-clerical (4)}``, or, when that leaves out fewer
    values than it names, ``native_country not in {...}``."""
    if lo == hi:
        return one_value(f.name, f.label(lo))
    if f.nominal:
        return set_text(f, list(range(lo, hi + 1)))
    if lo <= f.encoded_low:
        return f"{f.name} {f.label(hi)} or lower"
    if hi >= f.known_high:
        return f"{f.name} {f.label(lo)} or higher"
    return f"{f.name} {f.label(lo)} to {f.label(hi)}"


def set_text(f: Feature, codes: list[int]) -> str:
    """A discrete feature restricted to ``codes``: ``occupation in {Sales, Adm-clerical}``;
    for a nominal feature whose set leaves out fewer values than it names, the ones left
    out: ``native_country not in {Cuba (5), Jamaica (6)}``."""
    if len(codes) == 1:
        return one_value(f.name, f.label(codes[0]))
    if f.nominal or (f.kind == "categorical" and len(codes) > _LISTED):
        chosen = set(codes)
        outside = [c for c in range(int(f.encoded_low), int(f.encoded_high) + 1) if c not in chosen]
        if outside and len(outside) < len(codes):
            return f"{f.name} not in {_listed(f, outside)}"
    return f"{f.name} in {_listed(f, codes)}"


_LISTED = 12  # values a rule names of one feature; beyond, the first and how many in all


def _listed(f: Feature, codes: list[int]) -> str:
    """``{Sales, Adm-clerical}``; a long set (a rule over 120 zip codes was a line of 1,100
    characters) names its first values and how many it holds: the report's ``values`` list
    every one."""
    if len(codes) <= _LISTED:
        return "{" + ", ".join(f.label(c) for c in codes) + "}"
    shown = ", ".join(f.label(c) for c in codes[: _LISTED - 2])
    return f"{{{shown}, ... ({len(codes):,} values in all)}}"
