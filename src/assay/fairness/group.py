"""Group fairness on labelled data: per-group rates and the largest gaps between groups.

Context for the individual-fairness search: when labelled data is given, how the model's
decisions differ between groups (one protected column, or several crossed: sex x race).
``metric_frame`` computes the per-group rates with fairlearn's ``MetricFrame`` (what a run
reports, and what the API gives back); ``report_from_frame`` turns one into a ``GroupReport``;
``group_metrics`` does both.

- selection rate: share of the group's rows predicted positive;
- true positive rate: share of the group's truly positive rows predicted positive;
- false positive rate: share of the group's truly negative rows predicted positive;
- demographic-parity difference: largest minus smallest selection rate;
- equalized-odds difference: the larger of the TPR gap and the FPR gap (max minus min over
  the groups where the rate is defined); a gap needs two groups where its rate is defined,
  and equalized odds needs both gaps: with a label that is constant (or constant in all
  groups but one), it is not measured (None) and the report says why, rather than a gap of
  zero or the FPR gap alone passing for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.display import percent
from assay.errors import UsageError

__all__ = [
    "MOST_GROUPS",
    "GroupReport",
    "GroupStats",
    "group_metrics",
    "metric_frame",
    "report_from_frame",
    "too_many_groups",
]

SMALL_GROUP = 30

MOST_GROUPS = 1_000
"""Groups (combinations of protected values in the labelled rows) the group metrics are
computed for at most: fairlearn's ``MetricFrame`` takes milliseconds a group (10,000 took
70 s of a run under ``--max-time 20``, before the search began), and a table of more is
not read.  Beyond, the metrics are skipped and the run says why (``too_many_groups``)."""


def too_many_groups(
    data: np.ndarray, columns: Sequence[int], names: Sequence[str], *, most: int = MOST_GROUPS
) -> str | None:
    """Why the group metrics of encoded rows ``data`` are skipped (their ``columns``, named
    ``names``, make more than ``most`` groups), or None."""
    if not len(data) or not len(columns):
        return None
    n = len(np.unique(np.asarray(data)[:, list(columns)], axis=0))
    if n <= most:
        return None
    return (
        f"{n:,} groups of {', '.join(names)} among the labelled rows: group metrics are "
        f"computed for at most {most:,} (fairlearn's MetricFrame takes milliseconds a "
        "group: 10,000 took 70 s); the answer per attribute does not depend on them"
    )


@dataclass(frozen=True)
class GroupStats:
    """The rates of one group (None where the rate is undefined: no rows to divide by)."""

    name: str
    values: tuple[Any, ...]  # the group's value of each attribute (a run's: as the data has it)
    count: int
    positives: int
    selection_rate: float
    true_positive_rate: float | None
    false_positive_rate: float | None
    accuracy: float

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "values": list(self.values),
            "count": self.count,
            "positives": self.positives,
            "selection_rate": self.selection_rate,
            "true_positive_rate": self.true_positive_rate,
            "false_positive_rate": self.false_positive_rate,
            "accuracy": self.accuracy,
        }


@dataclass(frozen=True)
class GroupReport:
    """Per-group rates and the gaps between groups, measured on labelled rows."""

    attributes: tuple[str, ...]
    positive: Any
    rows: int
    groups: tuple[GroupStats, ...]
    demographic_parity_difference: float
    true_positive_rate_difference: float | None
    false_positive_rate_difference: float | None
    # how ``positive`` was chosen, when it is a run's favourable class ("named by the user
    # (--favourable)", "inferred from the class name 'approved'; ..."); "" when given
    how: str = ""
    # the gaps a model treating every group alike shows on these rows, 95 % of the time
    # (``chance_gaps``): 24 groups of 35 rows give a parity gap of 0.33 by chance
    demographic_parity_chance: float | None = None
    equalized_odds_chance: float | None = None

    @property
    def equalized_odds_difference(self) -> float | None:
        """None unless both the TPR and the FPR gap are measured (one alone is not it)."""
        tpr, fpr = self.true_positive_rate_difference, self.false_positive_rate_difference
        return None if tpr is None or fpr is None else max(tpr, fpr)

    def _unmeasured(self) -> str:
        return _unmeasured_text(self)

    def group(self, name: str) -> GroupStats:
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(f"no group {name!r}; groups are: {', '.join(g.name for g in self.groups)}")

    def to_json(self) -> dict[str, Any]:
        return {
            "attributes": list(self.attributes),
            "positive": _plain(self.positive),
            **({"favourable": _plain(self.positive), "how": self.how} if self.how else {}),
            "rows": self.rows,
            "groups": [g.to_json() for g in self.groups],
            "demographic_parity_difference": self.demographic_parity_difference,
            "true_positive_rate_difference": self.true_positive_rate_difference,
            "false_positive_rate_difference": self.false_positive_rate_difference,
            "equalized_odds_difference": self.equalized_odds_difference,
            "demographic_parity_chance": self.demographic_parity_chance,
            "equalized_odds_chance": self.equalized_odds_chance,
        }

    def section(self) -> dict[str, Any]:
        """A report section: title, text and a table with one row per group."""
        return {
            "title": "Group fairness on the labelled data",
            "text": self._text(),
            "table": {
                "columns": [
                    "group",
                    "rows",
                    "selection rate",
                    "true positive rate",
                    "false positive rate",
                    "accuracy",
                ],
                "rows": [
                    [
                        g.name,
                        g.count,
                        _pct(g.selection_rate),
                        _pct(g.true_positive_rate),
                        _pct(g.false_positive_rate),
                        _pct(g.accuracy),
                    ]
                    for g in self.groups
                ],
            },
        }

    def _text(self) -> str:
        by = " × ".join(self.attributes)
        lo = min(self.groups, key=lambda g: g.selection_rate)
        hi = max(self.groups, key=lambda g: g.selection_rate)
        which = (
            f"the rates are of the favourable class {_plain(self.positive)!r} ({self.how})"
            if self.how
            else f"positive label {_plain(self.positive)!r}"
        )
        parts = [
            f"Measured on {self.rows:,} labelled rows in {len(self.groups)} groups by {by} "
            f"({which}).",
            f"Selection rates range from {_pct(lo.selection_rate)} ({lo.name}) to "
            f"{_pct(hi.selection_rate)} ({hi.name}): demographic-parity difference "
            f"{(dp := self.demographic_parity_difference):.3f}"
            f"{_beside_chance(dp, self.demographic_parity_chance)}.",
        ]
        eo = self.equalized_odds_difference
        if eo is not None:
            parts.append(
                f"Equalized-odds difference {eo:.3f} (the larger of the true-positive-rate gap "
                f"{_num(self.true_positive_rate_difference)} and the false-positive-rate gap "
                f"{_num(self.false_positive_rate_difference)})"
                f"{_beside_chance(eo, self.equalized_odds_chance)}."
            )
        else:
            parts.append(self._unmeasured())
        small = [g.name for g in self.groups if g.count < SMALL_GROUP]
        if small:
            parts.append(
                f"Fewer than {SMALL_GROUP} rows in: {', '.join(small)}; rates there are noisy."
            )
        return " ".join(parts)


def _unmeasured_text(report: GroupReport) -> str:
    """Why the equalized-odds difference (and which rate gap) could not be measured."""
    positive = repr(_plain(report.positive))
    why = []
    if report.true_positive_rate_difference is None:
        have = sum(1 for g in report.groups if g.positives)
        why.append(
            f"the true-positive rate needs rows labelled {positive} in two groups or more "
            f"({_groups(have)} any)"
        )
    if report.false_positive_rate_difference is None:
        have = sum(1 for g in report.groups if g.count > g.positives)
        why.append(
            f"the false-positive rate needs rows labelled otherwise than {positive} in two "
            f"groups or more ({_groups(have)} any)"
        )
    return (
        "Equalized odds NOT measured: " + "; ".join(why) + " (is the label column the true "
        "outcome, and does it hold both classes?)."
    )


def _groups(n: int) -> str:
    return "1 group has" if n == 1 else f"{n} groups have"


def group_metrics(
    y_true: Any,
    y_pred: Any,
    groups: Any,
    *,
    positive: Any = 1,
    names: Sequence[str] | None = None,
) -> GroupReport:
    """Per-group selection, true- and false-positive rates, and the gaps between groups,
    computed by fairlearn's ``MetricFrame`` (``metric_frame``).

    ``groups``: one column (array, pandas Series) or several (2-D array, DataFrame, or a
    mapping name -> column); several columns are crossed into intersectional groups, named
    like ``"sex=Female, race=Black"``.  ``names`` names the columns of a plain array.
    Only combinations that occur in the data are groups.
    """
    attrs, _ = _group_columns(groups, names)
    frame = metric_frame(y_true, y_pred, groups, positive=positive, names=names)
    unnamed = {_label_of(a, j) for j, a in enumerate(attrs) if not a}
    return report_from_frame(frame, positive=positive, unnamed=unnamed)


def _label_of(attribute: str, j: int) -> str:
    """The name of group column ``j`` ("group 1", ... when the column has none)."""
    return attribute or f"group {j + 1}"


def _count(y_true: Any, y_pred: Any, sample_weight: Any) -> int:
    """Rows (each compressed row stands for ``sample_weight`` rows)."""
    return int(np.sum(sample_weight))


def _positives(y_true: Any, y_pred: Any, sample_weight: Any) -> int:
    """Truly positive rows."""
    return int(np.sum(np.asarray(sample_weight)[np.asarray(y_true) == 1]))


def metric_frame(
    y_true: Any,
    y_pred: Any,
    groups: Any,
    *,
    positive: Any = 1,
    names: Sequence[str] | None = None,
) -> Any:
    """A fairlearn ``MetricFrame`` over every row: count, positives, selection rate, true- and
    false-positive rates and accuracy of "is ``positive``", by the (crossed) ``groups``
    (columns as in ``group_metrics``).

    The rows are given to ``MetricFrame`` compressed: one row per distinct (group, true
    label, predicted label) with its number of rows as ``sample_weight``.  Every metric here
    is a weighted count, so the figures are those of the full rows; fairlearn copies every
    value of every column it is given into a new array, per metric and per group, which took
    4-9 s on 45,000 rows and takes milliseconds on the compressed ones.
    """
    import pandas as pd
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    t = _column(y_true, "y_true")
    p = _column(y_pred, "y_pred")
    attrs, cols = _group_columns(groups, names)
    n = len(t)
    if n == 0:
        raise UsageError("no labelled rows given", argument="y_true")
    checks = [("y_pred", p)] + [
        (f"groups column {a!r}", c) for a, c in zip(attrs, cols, strict=True)
    ]
    for what, arr in checks:
        if len(arr) != n:
            raise UsageError(f"{what} has {len(arr)} rows but y_true has {n}")
    true_pos = t == positive
    pred_pos = p == positive
    if not (true_pos.any() or pred_pos.any()):
        seen = ", ".join(repr(_plain(v)) for v in np.unique(np.concatenate([t, p]))[:10])
        raise UsageError(
            f"positive label {positive!r} occurs neither in y_true nor in y_pred; labels: {seen}",
            argument="positive",
        )
    codes, uniques = [], []
    for c in cols:
        u, inv = np.unique(c.astype(str) if c.dtype == object else c, return_inverse=True)
        codes.append(inv.reshape(-1))
        uniques.append(u)
    shape = (*(len(u) for u in uniques), 2, 2)
    flat = np.ravel_multi_index([*codes, true_pos.astype(np.intp), pred_pos.astype(np.intp)], shape)
    present, weight = np.unique(flat, return_counts=True)
    parts = np.unravel_index(present, shape)
    labels = [_label_of(a, j) for j, a in enumerate(attrs)]
    sensitive = pd.DataFrame(
        {
            name: [str(_plain(v)) for v in u[part]]
            for name, u, part in zip(labels, uniques, parts, strict=False)
        }
    )
    metrics = {
        "count": _count,
        "positives": _positives,
        "selection_rate": selection_rate,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "accuracy": accuracy_score,
    }
    return MetricFrame(
        metrics=metrics,
        y_true=parts[-2].astype(np.int64),
        y_pred=parts[-1].astype(np.int64),
        sensitive_features=sensitive,
        sample_params={name: {"sample_weight": weight} for name in metrics},
    )


def report_from_frame(
    frame: Any, *, positive: Any = 1, unnamed: Set[str] = frozenset()
) -> GroupReport:
    """The ``GroupReport`` of a ``metric_frame``: groups that occur, rates undefined (None)
    where a group has no truly positive (TPR) or negative (FPR) row.  Groups are named
    ``attribute=value``, or by the value alone for the attributes in ``unnamed``."""
    table = frame.by_group.dropna(how="all")
    names = [str(n) for n in table.index.names]
    stats = []
    for key, row in table.iterrows():
        values = tuple(str(v) for v in (key if isinstance(key, tuple) else (key,)))
        n, pos = int(row["count"]), int(row["positives"])
        if n == 0:
            continue
        stats.append(
            GroupStats(
                name=", ".join(
                    v if a in unnamed else f"{a}={v}" for a, v in zip(names, values, strict=True)
                ),
                values=values,
                count=n,
                positives=pos,
                selection_rate=float(row["selection_rate"]),
                true_positive_rate=float(row["true_positive_rate"]) if pos else None,
                false_positive_rate=float(row["false_positive_rate"]) if n - pos else None,
                accuracy=float(row["accuracy"]),
            )
        )
    tpr = np.array(
        [np.nan if g.true_positive_rate is None else g.true_positive_rate for g in stats]
    )
    fpr = np.array(
        [np.nan if g.false_positive_rate is None else g.false_positive_rate for g in stats]
    )
    sel = np.array([g.selection_rate for g in stats])
    dp_chance, eo_chance = chance_gaps(stats)
    return GroupReport(
        attributes=tuple(names),
        positive=positive,
        rows=sum(g.count for g in stats),
        groups=tuple(stats),
        demographic_parity_difference=float(sel.max() - sel.min()),
        true_positive_rate_difference=_gap(tpr),
        false_positive_rate_difference=_gap(fpr),
        demographic_parity_chance=dp_chance,
        equalized_odds_chance=eo_chance,
    )


CHANCE_DRAWS = 1_999
"""Permutations of the rows behind a chance gap (seeded: the same every run).  The gap
beyond the ``ceil(0.95 * (CHANCE_DRAWS + 1))``-th smallest permuted one is beyond chance at
5 % at most: the observed rows are one more equally likely arrangement."""


def _permuted_gaps(
    rng: np.random.Generator, rows: np.ndarray, hits: np.ndarray
) -> np.ndarray | None:
    """The max minus min rate over the groups holding rows (``rows[g]``, of which
    ``hits[g]`` count), for ``CHANCE_DRAWS`` random arrangements of the same rows into groups
    of the same sizes (each group's hits multivariate hypergeometric); None when fewer than
    two groups hold rows."""
    on = rows > 0
    if on.sum() < 2:
        return None
    got = rng.multivariate_hypergeometric(rows[on], int(hits[on].sum()), size=CHANCE_DRAWS)
    rate = got / rows[on]
    out: np.ndarray = rate.max(axis=1) - rate.min(axis=1)
    return out


def _level(gaps: np.ndarray) -> float:
    """The permuted gap an observed one must exceed to be beyond chance at 5 %."""
    k = int(np.ceil(0.95 * (len(gaps) + 1)))
    return float(np.sort(gaps)[k - 1])


def chance_gaps(stats: Sequence[GroupStats]) -> tuple[float | None, float | None]:
    """The demographic-parity and equalized-odds differences that a model treating every
    group alike shows on these rows, 95 % of the time: the max minus min of a dozen small
    groups' rates is never near zero, fair model or not.  A permutation bound over the rows
    themselves: the rows' predictions shuffled across the groups (the parity gap), within
    the truly positive rows and within the truly negative ones (the equalized-odds gap,
    each group keeping its labels), ``CHANCE_DRAWS`` times, seeded.  A model blind to the
    groups exceeds it in at most 5 % of data sets (no pooled rate plugged in).  None where
    fewer than two groups define the gap."""
    if len(stats) < 2:
        return None, None
    rng = np.random.default_rng(0)
    n = np.array([g.count for g in stats], dtype=np.int64)
    pos = np.array([g.positives for g in stats], dtype=np.int64)
    selected = np.array([round(g.selection_rate * g.count) for g in stats], dtype=np.int64)
    dp_gaps = _permuted_gaps(rng, n, selected)
    dp = None if dp_gaps is None else _level(dp_gaps)
    neg = n - pos
    if (pos > 0).sum() < 2 or (neg > 0).sum() < 2:
        return dp, None
    tp = np.array([round((g.true_positive_rate or 0.0) * g.positives) for g in stats])
    fp = np.array([round((g.false_positive_rate or 0.0) * (g.count - g.positives)) for g in stats])
    tpr, fpr = _permuted_gaps(rng, pos, tp), _permuted_gaps(rng, neg, fp)
    assert tpr is not None and fpr is not None
    return dp, _level(np.maximum(tpr, fpr))


def _beside_chance(gap: float, chance: float | None) -> str:
    """What a gap is beside the one a model treating every group alike shows by chance."""
    if chance is None:
        return ""
    if gap <= chance:
        return (
            f" (no more than a model treating every group alike shows on groups of these "
            f"sizes: up to {chance:.3f}, 95 % of the time)"
        )
    return f" (beyond the {chance:.3f} a model treating every group alike reaches 95 % of the time)"


def _column(values: Any, argument: str) -> np.ndarray:
    arr = np.asarray(values.to_numpy() if hasattr(values, "to_numpy") else values)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise UsageError(f"must be one column of labels, not shape {arr.shape}", argument=argument)
    return arr


def _group_columns(groups: Any, names: Sequence[str] | None) -> tuple[list[str], list[np.ndarray]]:
    """Column names ('' when unknown) and the columns of ``groups``."""
    if isinstance(groups, Mapping):
        attrs = [str(k) for k in groups]
        cols = [_column(v, f"groups[{k!r}]") for k, v in groups.items()]
    elif hasattr(groups, "columns"):  # DataFrame
        attrs = [str(c) for c in groups.columns]
        cols = [np.asarray(groups[c].to_numpy()) for c in groups.columns]
    else:
        arr = np.asarray(groups.to_numpy() if hasattr(groups, "to_numpy") else groups)
        name = getattr(groups, "name", None)
        if arr.ndim == 1:
            attrs, cols = [str(name) if name is not None else ""], [arr]
        elif arr.ndim == 2:
            attrs, cols = [""] * arr.shape[1], [arr[:, j] for j in range(arr.shape[1])]
        else:
            raise UsageError(
                f"must be one or more columns, not shape {arr.shape}", argument="groups"
            )
    if not cols:
        raise UsageError("no group column given", argument="groups")
    if names is not None:
        if len(names) != len(cols):
            raise UsageError(
                f"{len(names)} names given for {len(cols)} group columns", argument="names"
            )
        attrs = [str(n) for n in names]
    return attrs, cols


def _gap(rates: np.ndarray) -> float | None:
    """The largest minus the smallest rate over the groups where it is defined; None when
    fewer than two groups define it (a gap of one group with itself is no measurement)."""
    ok = rates[~np.isnan(rates)]
    return float(ok.max() - ok.min()) if len(ok) >= 2 else None


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def _pct(x: float | None) -> str:
    return percent(x)


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"
