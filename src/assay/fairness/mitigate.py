"""Retraining a model with generated discriminatory inputs, in rounds, against a control.

Each round: a search finds discriminatory inputs on the current model; every protected
variant of each is labelled alike (so the added rows say the protected attributes do not
matter there) and added to the training data; a fresh clone is fitted and the share of
discriminatory inputs is estimated.  A round is kept only when the estimated share falls.

Labelling policies (``policy``):

- ``majority`` (default): the label the current model gives to most of the input's
  variants; ties go to the label of the variant whose protected values are the most common
  in the training data.
- ``favourable``: the favourable label (``favourable``, class 1 unless told).
- ``nearest``: the label of the nearest real training row in the non-protected features
  (range-scaled distance; a categorical mismatch counts as 1).

The refit-only control makes the same refits (the same ``random_state`` per round) without
added data and keeps a round under the same rule, so a gain from refitting noise or from
picking the best of several refits is not reported as a fairness gain.  Round selection
uses one stream of estimates; before, after and control are then measured afresh on one
independent stream, so the selection does not flatter the reported figures.

Estimators are fitted on ``schema.decode(X)`` (what the model takes); the ``Model`` given to
``generate`` and ``estimate`` takes encoded rows, like every search model.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assay.core.display import percent
from assay.core.extras import pip_install
from assay.core.model import Capabilities, Model, ModelInputs
from assay.core.outfile import new_file, write_whole
from assay.errors import AssayError, ModelError, UsageError
from assay.fairness.estimate import Estimate
from assay.fairness.form import InputForm
from assay.fairness.oracle import Oracle
from assay.fairness.schema import Schema

__all__ = [
    "MAX_ACCURACY_LOSS",
    "POLICIES",
    "FittedModel",
    "Measurement",
    "MitigationReport",
    "check_max_accuracy_loss",
    "label_variants",
    "load_line",
    "mitigate",
    "save_model",
    "save_model_checked",
]

Policy = Literal["majority", "favourable", "nearest"]
POLICIES: tuple[str, ...] = ("majority", "favourable", "nearest")
Generate = Callable[[Model, int, np.random.Generator], np.ndarray]
EstimateShare = Callable[[Model, np.random.Generator], Estimate]
ACCURACY_WARNING = 0.02  # held-out accuracy lost by retraining that the text points out
MAX_ACCURACY_LOSS = 5.0
"""Default bound, in points of held-out accuracy, on what a kept round may cost against the
refit-only control of the same round (the same rows without the added ones, the same
``random_state``): the like-for-like cost of the added rows, which the original's accuracy
overstates when it was fitted on the held-out rows too."""
_CHUNK = 4_000_000  # entries of a distance matrix computed at once


class FittedModel:
    """A fitted scikit-learn classifier as a ``Model`` over encoded rows (class indices)."""

    def __init__(self, estimator: Any, schema: Schema, form: InputForm | None = None) -> None:
        self.estimator = estimator
        self.schema = schema
        self.form = form or InputForm.of(estimator)
        self.classes = np.asarray(estimator.classes_)
        self.capabilities = Capabilities(
            modality="tabular",
            n_classes=len(self.classes),
            outputs="labels",
            class_names=tuple(str(c) for c in self.classes),
        )

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        rows = np.asarray(inputs, dtype=np.float64)
        pred = np.asarray(self.estimator.predict(self.form.build(self.schema.decode(rows))))
        return np.searchsorted(self.classes, pred).astype(np.int64)


@dataclass(frozen=True)
class Measurement:
    """One model's estimated share of discriminatory inputs and held-out accuracy."""

    estimate: Estimate
    accuracy: float

    def to_json(self) -> dict[str, Any]:
        return {"estimate": self.estimate.to_json(), "accuracy": self.accuracy}


@dataclass(frozen=True)
class MitigationReport:
    """What retraining did: before, after and the refit-only control, round by round."""

    before: Measurement
    after: Measurement
    control: Measurement
    rounds: tuple[dict[str, Any], ...]
    policy: str
    estimator: Any = field(repr=False, compare=False)
    majority: tuple[str, float] | None = None
    """The held-out rows' most common label and its share: the accuracy of a model that
    answers it to everyone (it treats everyone alike), the floor a fairer model's
    accuracy is read against."""
    max_accuracy_loss: float | None = None
    """The bound (points of held-out accuracy against the round's control) a kept round
    stayed within; None: no bound."""
    planned: int | None = None
    """The rounds asked for (``rounds``); fewer were run when one found no input."""
    added: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)
    """The rows the kept rounds added to the training rows (encoded) and their labels (as
    the estimator was fitted on them); None when no round was kept."""

    @property
    def improved(self) -> bool:
        """The after interval lies entirely below the before interval."""
        return self.after.estimate.high < self.before.estimate.low

    @property
    def control_improved(self) -> bool:
        return self.control.estimate.high < self.before.estimate.low

    @property
    def kept(self) -> int:
        return sum(1 for r in self.rounds if r["kept"])

    @property
    def added_rows(self) -> int:
        return sum(int(r["added_rows"]) for r in self.rounds if r["kept"])

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "control": self.control.to_json(),
            "rounds": list(self.rounds),
            "kept": self.kept,
            "added_rows": self.added_rows,
            "improved": self.improved,
            "control_improved": self.control_improved,
            "majority_accuracy": None if self.majority is None else self.majority[1],
            "max_accuracy_loss": self.max_accuracy_loss,
            "refused_for_accuracy": len(self._refused()),
            "rounds_planned": self.planned,
            "nothing_found": self.nothing_found,
            "text": self._text(),
        }

    def section(self) -> dict[str, Any]:
        """A report section: what was measured, and a before/after/control table."""
        level = f"{100 * self.before.estimate.confidence:g} %"

        def row(name: str, m: Measurement) -> list[Any]:
            e = m.estimate
            return [
                name,
                _pct(e.share),
                # every row counted: the share itself, no sample's, so no interval (it read
                # "6.19 % to 6.19 %": report47); the terminal says the same
                "none: every row counted" if e.counted else f"{_pct(e.low)} to {_pct(e.high)}",
                _pct(m.accuracy),
                f"{e.discriminatory:,} of {e.sampled:,}",
            ]

        return {
            "title": "Mitigation by retraining",
            "text": self._text(),
            "table": {
                "columns": [
                    "model",
                    "share of discriminatory inputs",
                    f"{level} CI",
                    "held-out accuracy",
                    # (of every data row where counted: report47)
                    "discriminatory of counted"
                    if self.before.estimate.counted
                    else "discriminatory of sampled",
                ],
                "rows": [
                    row("before", self.before),
                    row(f"after ({self.kept} of {len(self.rounds)} rounds kept)", self.after),
                    row("refit-only control", self.control),
                ],
            },
        }

    @property
    def nothing_found(self) -> bool:
        """The first round's search found no discriminatory input: nothing to retrain with."""
        return bool(self.rounds) and self.rounds[0].get("why") == "no input"

    def _stopped_text(self) -> str:
        """Why fewer rounds ran than were asked for."""
        if self.planned is None or len(self.rounds) >= self.planned or not self.rounds:
            return ""
        last = self.rounds[-1]["round"]
        return (
            f" Round {last} found no discriminatory input on the model as it then was, so "
            f"the {self.planned - last} round{'s' if self.planned - last > 1 else ''} after it "
            "(searching the same model again) were not run."
        )

    def _nothing_text(self, where: dict[str, str]) -> str:
        """A model the retraining's search finds nothing in: nothing to retrain with."""
        b = self.before.estimate
        left = (self.planned or 1) - 1
        skipped = (
            f" (the other {left} round{'s were' if left > 1 else ' was'} not run: "
            f"{'they' if left > 1 else 'it'} would search the same model again)"
            if left
            else ""
        )
        return (
            "Nothing to retrain: the retraining's search found no discriminatory input on "
            "the model, so no rows were added, no clone was refitted and the model is "
            f"unchanged{skipped}. Measured afresh, the share "
            f"of discriminatory inputs ({b.where(where)}) is {b.interval_text()}; held-out "
            f"accuracy {_pct(self.before.accuracy)}."
        )

    def _text(self) -> str:
        b, a, c = self.before.estimate, self.after.estimate, self.control.estimate
        where = {"uniform": "uniform over the schema's input space", "data": "over the data"}
        if self.nothing_found:
            return self._nothing_text(where)
        if a.high < b.low:
            change = "fell from"
        elif a.low > b.high:
            change = "rose from"
        else:
            change = "did not move beyond its interval: from"
        if c.high < b.low:
            control = "also fell, to"
        elif c.low > b.high:
            control = "rose to"
        else:
            control = "stayed at"
        return (
            f"Retrained in {len(self.rounds)} rounds with generated discriminatory inputs "
            f"labelled by the {self.policy} policy "
            f"({self.kept} of the {len(self.rounds)} rounds kept, "
            f"{self.added_rows:,} rows added). Measured afresh for this comparison ("
            + (
                "every data row asked of before, after and control, so the before figure "
                "may differ from the run's own estimate"
                if b.counted
                else "one new sample for before, after and control, so the before figure "
                "differs a little from the run's own estimate"
            )
            + "), the share of discriminatory inputs "
            f"({b.where(where)}) {change} {b.interval_text()} "
            f"to {a.interval_text()}; the refit-only control {control} {c.interval_text()}. "
            f"Held-out accuracy {_pct(self.before.accuracy)} before, "
            f"{_pct(self.after.accuracy)} after, {_pct(self.control.accuracy)} for the control."
            + self._stopped_text()
            + self._unproven_text()
            + self._cost_text()
            + self._bound_text()
        )

    def _unproven_text(self) -> str:
        """A kept round whose model, measured afresh, is not below the original beyond the
        intervals: kept on the selection sample's figures, it is written, and must not be
        read (nor shipped) as a fix."""
        a, c = self.after.estimate, self.control.estimate
        if self.kept and self.improved and c.high < a.low:
            return (
                " NOTE: the refit-only control, refitted without the added rows, measures "
                f"lower still ({c.interval_text()}): the fall is refitting's, not the added "
                "rows' (refitting the model on the same rows does more for the share)."
            )
        if not self.kept or self.improved:
            return ""
        control = (
            f"; the refit-only control, refitted without the added rows, measures as low or "
            f"lower ({c.interval_text()})"
            if c.share <= a.share
            else ""
        )
        return (
            f" NOTE: the round{'s' if self.kept > 1 else ''} kept lowered the share on the "
            f"sample that chose {'them' if self.kept > 1 else 'it'}, but measured afresh the "
            "retrained model is not shown "
            "fairer than the original (its interval is not below the original's)"
            f"{control}: do not ship it as a fix (a larger --max-queries may do better)."
        )

    def _refused(self) -> list[dict[str, Any]]:
        """The rounds that lowered the share but cost more accuracy than the bound."""
        return [r for r in self.rounds if r.get("why") == "accuracy"]

    def _bound_text(self) -> str:
        """What the accuracy bound refused: a round whose share fell and whose model lost
        more than ``max_accuracy_loss`` points is not kept (a near-constant model is no fix)."""
        refused = self._refused()
        if not refused or self.max_accuracy_loss is None:
            return ""
        bound = f"{self.max_accuracy_loss:g} points"
        best = min(refused, key=lambda r: (r["estimate"]["share"], r["accuracy_loss"]))
        about = (
            f"the best of them, round {best['round']}, brought the share to "
            f"{_pct(best['estimate']['share'])} at a held-out accuracy of "
            f"{_pct(best['accuracy'])}, {best['accuracy_loss']:.1f} points below its "
            f"refit-only control ({_pct(best['control']['accuracy'])})"
        )
        if self.majority is not None:
            about += f"; answering {self.majority[0]!r} to everyone scores {_pct(self.majority[1])}"
        if not self.kept:
            return (
                f" No retrained model kept: every round that lowered the share cost more than "
                f"{bound} of held-out accuracy (--max-accuracy-loss); {about}. Raise "
                "--max-accuracy-loss to keep such a round."
            )
        rounds = ", ".join(str(r["round"]) for r in refused)
        return (
            f" Round{'s' if len(refused) > 1 else ''} {rounds} lowered the share further but "
            f"cost more than {bound} of held-out accuracy (--max-accuracy-loss), so "
            f"{'they were' if len(refused) > 1 else 'it was'} not kept; {about}."
        )

    def _cost_text(self) -> str:
        """A loud word when the fairer model pays in accuracy (beyond what refitting alone
        costs, the control): rounds are kept for the share alone."""
        lost = self.before.accuracy - self.after.accuracy
        beyond_control = self.control.accuracy - self.after.accuracy
        if lost <= ACCURACY_WARNING or beyond_control <= ACCURACY_WARNING:
            return ""
        return (
            f" NOTE: the retrained model is {100 * lost:.1f} points less accurate on the "
            f"held-out rows than the original, and {100 * beyond_control:.1f} points less "
            "than the refit-only control, fitted on the same rows as it (the original may "
            "have been fitted on the held-out rows too; rounds are kept for the share "
            "alone): weigh that before using it." + self._floor_text()
        )

    def _floor_text(self) -> str:
        """How close the retrained model is to one answering everyone alike: a share of
        discriminatory inputs near zero is no fairness gain when the model decides nothing."""
        if self.majority is None:
            return ""
        label, floor = self.majority
        return (
            f" A model answering {label!r} to every held-out row (it treats everyone alike) "
            f"scores {_pct(floor)}; the retrained model {_pct(self.after.accuracy)}."
        )


def mitigate(
    estimator: Any,
    *,
    schema: Schema,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_holdout: np.ndarray,
    y_holdout: np.ndarray,
    generate: Generate,
    estimate: EstimateShare,
    rounds: int = 3,
    per_round: int = 1000,
    policy: str = "majority",
    favourable: Any = 1,
    rng: np.random.Generator,
    form: InputForm | None = None,
    max_accuracy_loss: float | None = MAX_ACCURACY_LOSS,
) -> MitigationReport:
    """Retrain ``estimator`` with generated discriminatory inputs; see the module docstring.

    ``X_*`` are encoded rows (``schema.encode``); ``estimator`` is a scikit-learn classifier
    fitted on ``schema.decode(X_train)`` (fitted here when it is not).  ``generate(model, n,
    rng)`` returns up to ``n`` encoded discriminatory rows found on ``model``;
    ``estimate(model, rng)`` measures the share of discriminatory inputs.  ``y_*`` are the
    labels as the estimator was fitted on them (e.g. '<=50K'); ``form`` is the input form it
    was fitted on (default: ``InputForm.of(estimator)``): every fit and predict gets it.
    ``max_accuracy_loss``: points of held-out accuracy a kept round may lose against the
    refit-only control of the same round (None: no bound); a round beyond it is not kept.
    """
    from sklearn.base import clone

    the_form = form or InputForm.of(estimator)

    def model_input(X: np.ndarray) -> Any:
        return the_form.build(schema.decode(X))

    X_train, y_train = _check_xy(schema, X_train, y_train, "X_train")
    X_holdout, y_holdout = _check_xy(schema, X_holdout, y_holdout, "X_holdout")
    _check_options(rounds, per_round, policy)
    bound = check_max_accuracy_loss(max_accuracy_loss)
    base = _fitted(estimator, model_input(X_train), y_train)
    if policy == "favourable" and favourable not in set(np.asarray(base.classes_).tolist()):
        raise UsageError(
            f"favourable label {favourable!r} is not a class of the model; classes are: "
            f"{', '.join(map(str, np.asarray(base.classes_).tolist()))}",
            argument="favourable",
        )
    seeds = rng.integers(0, 2**31 - 1, size=rounds)
    select_seed, final_seed = (int(s) for s in rng.integers(0, 2**63 - 1, size=2))
    gen_rngs = rng.spawn(rounds)

    def measure(est: Any, seed: int) -> Estimate:
        return estimate(FittedModel(est, schema, the_form), np.random.default_rng(seed))

    holdout_input = model_input(X_holdout)

    def accuracy(est: Any) -> float:
        return float(np.mean(np.asarray(est.predict(holdout_input)) == y_holdout))

    def refit(seed: int, X: np.ndarray, y: np.ndarray) -> Any:
        fresh = _with_seed(clone(base), seed)
        _fit(fresh, model_input(X), y)
        return fresh

    current, control = base, base
    share = control_share = measure(base, select_seed).share
    X_acc, y_acc = X_train, y_train
    log: list[dict[str, Any]] = []
    for r in range(rounds):
        found = _check_rows(
            schema, generate(FittedModel(current, schema, the_form), per_round, gen_rngs[r])
        )
        found = found[:per_round]
        entry: dict[str, Any] = {"round": r + 1, "random_state": int(seeds[r])}
        if not len(found):
            entry.update(
                added_inputs=0, added_rows=0, kept=False, why="no input", note="no input found"
            )
            log.append(entry)
            # the model searched is the one the next round would search again: a model the
            # search finds nothing in is not searched (minutes of queries) twice more
            break
        X_new, y_new = label_variants(
            found,
            schema=schema,
            estimator=current,
            policy=policy,
            X_train=X_train,
            y_train=y_train,
            favourable=favourable,
            form=the_form,
        )
        cand_X, cand_y = np.concatenate([X_acc, X_new]), np.concatenate([y_acc, y_new])
        cand = refit(int(seeds[r]), cand_X, cand_y)
        est = measure(cand, select_seed)
        ctl = refit(int(seeds[r]), X_train, y_train)
        ctl_est = measure(ctl, select_seed)
        cand_acc, ctl_acc = accuracy(cand), accuracy(ctl)
        # points lost against the same refit without the added rows: their cost alone
        loss = 100 * (ctl_acc - cand_acc)
        why = (
            "share"
            if est.share >= share
            else "accuracy"
            if bound is not None and loss > bound
            else "kept"
        )
        kept = why == "kept"
        if kept:
            current, share, X_acc, y_acc = cand, est.share, cand_X, cand_y
        ctl_kept = ctl_est.share < control_share
        if ctl_kept:
            control, control_share = ctl, ctl_est.share
        entry.update(
            added_inputs=len(found),
            added_rows=len(X_new),
            estimate=est.to_json(),
            accuracy=cand_acc,
            accuracy_loss=loss,
            kept=kept,
            why=why,
            note=_WHY[why].format(bound=bound),
            control={"estimate": ctl_est.to_json(), "accuracy": ctl_acc, "kept": ctl_kept},
        )
        log.append(entry)
    measured: dict[int, Measurement] = {}

    def final(est: Any) -> Measurement:
        # one model kept as it was (no round kept) is measured once, not thrice: the same
        # sample gives the same figures
        if id(est) not in measured:
            measured[id(est)] = Measurement(measure(est, final_seed), accuracy(est))
        return measured[id(est)]

    return MitigationReport(
        before=final(base),
        after=final(current),
        control=final(control),
        rounds=tuple(log),
        planned=rounds,
        policy=policy,
        estimator=current,
        added=(X_acc[len(X_train) :], y_acc[len(y_train) :]) if current is not base else None,
        majority=_most_common(y_holdout),
        max_accuracy_loss=bound,
    )


_WHY = {
    "share": "not kept: the share did not fall",
    "accuracy": "not kept: it cost more than {bound:g} points of held-out accuracy against "
    "its refit-only control",
    "kept": "kept: the share fell, within the accuracy bound",
}


def check_max_accuracy_loss(value: Any) -> float | None:
    """``max_accuracy_loss`` as a number of points from 0 to 100 (None: no bound), or a
    ``UsageError`` naming ``--max-accuracy-loss``."""
    if value is None:
        return None
    try:
        points = float(value)
    except (TypeError, ValueError):
        points = float("nan")
    if isinstance(value, bool) or not 0 <= points <= 100:  # NaN fails both
        raise UsageError(
            f"must be a number of points of held-out accuracy from 0 to 100 (the most a kept "
            f"retraining round may lose; 0 keeps only rounds that lose nothing), not {value!r}",
            argument="--max-accuracy-loss",
        )
    return points


def _most_common(y: np.ndarray) -> tuple[str, float] | None:
    """The most common label of ``y`` and its share (None without rows)."""
    if not len(y):
        return None
    values, counts = np.unique(np.asarray(y), return_counts=True)
    top = int(np.argmax(counts))
    return str(values[top]), float(counts[top] / len(y))


def label_variants(
    rows: np.ndarray,
    *,
    schema: Schema,
    estimator: Any,
    policy: str = "majority",
    X_train: np.ndarray,
    y_train: np.ndarray,
    favourable: Any = 1,
    form: InputForm | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every protected variant of each encoded row, all variants of a row labelled alike.

    Returns (encoded variants of shape (n * K, d), labels of shape (n * K,)).
    """
    the_form = form or InputForm.of(estimator)
    oracle = Oracle(schema, FittedModel(estimator, schema, the_form))
    variants = oracle.variants(rows)
    n, K, d = variants.shape
    flat = variants.reshape(n * K, d)
    classes = np.asarray(estimator.classes_)
    if policy == "favourable":
        labels = np.full(n, favourable, dtype=np.asarray(y_train).dtype)
    elif policy == "nearest":
        labels = np.asarray(y_train)[_nearest(schema, oracle.free, rows, X_train)]
    elif policy == "majority":
        answers = estimator.predict(the_form.build(schema.decode(flat)))
        codes = np.searchsorted(classes, np.asarray(answers))
        frequency = np.bincount(oracle.generated_index(X_train), minlength=K)
        labels = classes[_majority(codes.reshape(n, K), frequency, len(classes))]
    else:
        raise UsageError(
            f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}", argument="policy"
        )
    return flat, np.repeat(labels, K)


def _majority(codes: np.ndarray, frequency: np.ndarray, n_classes: int) -> np.ndarray:
    """Per row, the most common class code; ties go to the most frequent combination's."""
    n, K = codes.shape
    counts = np.zeros((n, n_classes), dtype=np.int64)
    np.add.at(counts, (np.repeat(np.arange(n), K), codes.reshape(-1)), 1)
    tied = counts == counts.max(axis=1, keepdims=True)
    order = np.argsort(-frequency, kind="stable")
    by_frequency = codes[:, order]
    first = np.argmax(tied[np.arange(n)[:, None], by_frequency], axis=1)
    chosen: np.ndarray = by_frequency[np.arange(n), first]
    return chosen


def _nearest(schema: Schema, free: np.ndarray, rows: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Index of the nearest row of ``X`` to each row, in the non-protected features."""
    kinds = np.array([schema.features[j].kind for j in free])
    num, cat = free[kinds != "categorical"], free[kinds == "categorical"]
    span = np.maximum(schema.highs - schema.lows, 1e-12)
    a_num, b_num = rows[:, num] / span[num], X[:, num] / span[num]
    a_cat, b_cat = _one_hot(schema, cat, rows), _one_hot(schema, cat, X)
    b_sq = (b_num**2).sum(axis=1)
    step = max(1, _CHUNK // max(len(X), 1))
    out = np.empty(len(rows), dtype=np.int64)
    for s in range(0, len(rows), step):
        a, oh = a_num[s : s + step], a_cat[s : s + step]
        d2 = (a**2).sum(axis=1)[:, None] + b_sq[None, :] - 2 * a @ b_num.T
        d2 += len(cat) - oh @ b_cat.T  # categorical mismatches
        out[s : s + step] = np.argmin(d2, axis=1)
    return out


def _one_hot(schema: Schema, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    parts = []
    for j in cols:
        size = int(schema.highs[j] - schema.lows[j]) + 1
        codes = np.clip(np.rint(rows[:, j] - schema.lows[j]).astype(np.int64), 0, size - 1)
        parts.append(np.eye(size)[codes])
    return np.concatenate(parts, axis=1) if parts else np.zeros((len(rows), 0))


# -- checks and helpers -----------------------------------------------------------------
def _check_xy(
    schema: Schema, X: np.ndarray, y: np.ndarray, name: str
) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != len(schema):
        raise UsageError(
            f"must be encoded rows with {len(schema)} columns, not shape {X.shape}", argument=name
        )
    if len(y) != len(X) or not len(X):
        raise UsageError(f"{len(X)} rows but {len(y)} labels", argument=name)
    return X, y


def _check_options(rounds: int, per_round: int, policy: str) -> None:
    if rounds < 1:
        raise UsageError(f"must be at least 1, not {rounds}", argument="rounds")
    if per_round < 1:
        raise UsageError(f"must be at least 1, not {per_round}", argument="per_round")
    if policy not in POLICIES:
        raise UsageError(
            f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}", argument="policy"
        )


def _check_rows(schema: Schema, rows: np.ndarray) -> np.ndarray:
    arr = np.asarray(rows, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((0, len(schema)))
    if arr.ndim != 2 or arr.shape[1] != len(schema):
        raise UsageError(
            f"generate returned shape {arr.shape}; expected encoded rows with "
            f"{len(schema)} columns",
            argument="generate",
        )
    return arr


def _fitted(estimator: Any, X: Any, y: np.ndarray) -> Any:
    """The estimator itself when fitted; otherwise a clone fitted on ``X`` (model input)."""
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
        return estimator
    except NotFittedError:
        fresh = clone(estimator)
        _fit(fresh, X, y)
        return fresh


def _fit(estimator: Any, X: Any, y: np.ndarray) -> None:
    """``estimator.fit(X, y)``; its own failure (the user's estimator refusing the rows) is a
    ``ModelError`` naming it, not a crash of assay's."""
    try:
        estimator.fit(X, y)
    except (AssayError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        text = " ".join(str(exc).split())[:300]
        raise ModelError(
            f"refitting a clone of the {type(estimator).__name__} on {len(y):,} rows raised "
            f"{type(exc).__name__}: {text}"
        ) from exc


def _with_seed(estimator: Any, seed: int) -> Any:
    """Set every ``random_state`` parameter (nested ones too) to ``seed``."""
    names = [k for k in estimator.get_params(deep=True) if k.split("__")[-1] == "random_state"]
    if names:
        estimator.set_params(**dict.fromkeys(names, seed))
    return estimator


def _pct(x: float) -> str:
    return percent(x)


# -- saving -----------------------------------------------------------------------------
def save_model(estimator: Any, path_stem: str | Path, *, schema: Schema) -> list[Path]:
    """Save as ``<stem>.skops`` and, when possible, ``<stem>.onnx``, with ``<stem>.model.json``.

    The JSON manifest names the files, the schema, and why ONNX was skipped if it was
    (string categories, skl2onnx not installed, or a conversion failure).
    """
    return save_model_checked(estimator, path_stem, schema=schema)[0]


def save_model_checked(
    estimator: Any, path_stem: str | Path, *, schema: Schema
) -> tuple[list[Path], str | None]:
    """``save_model``, and why the skops file cannot be loaded back (None when it can): a
    pipeline holding a lambda or a function defined in ``__main__`` (a notebook) is written
    by skops but cannot be read again, and a file said to be the retrained model must be."""
    import skops.io

    stem = Path(path_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    skops_path = stem.with_name(stem.name + ".skops")
    with new_file(skops_path, "wb") as fh:  # (a link at the path replaced, never followed)
        skops.io.dump(estimator, fh)
    # the types beyond skops's defaults: what loading it asks the user to trust (named in
    # the manifest and the printed line, so their own code loads it as assay did)
    trusted = sorted(skops.io.get_untrusted_types(file=skops_path))
    unloadable = _loads_back(skops_path, estimator, trusted)
    written = [skops_path]
    onnx_path = stem.with_name(stem.name + ".onnx")
    skipped = _save_onnx(estimator, onnx_path, schema)
    if skipped is None:
        written.append(onnx_path)
    manifest = stem.with_name(stem.name + ".model.json")
    write_whole(
        manifest,
        json.dumps(
            {
                "skops": skops_path.name,
                "skops_unloadable": unloadable,
                "skops_trusted": trusted,
                "skops_load": load_line(skops_path, trusted),
                "onnx": None if skipped else onnx_path.name,
                "onnx_skipped": skipped,
                "onnx_input": None if skipped else f"float32 [n, {len(schema)}], decoded rows",
                "schema": schema.to_json(),
            },
            indent=2,
        ),
    )
    written.append(manifest)
    return written, unloadable


def load_line(path: Path, trusted: list[str]) -> str:
    """The Python line that loads the skops file at ``path`` (not joblib nor pickle: skops
    runs no code of the file's, and asks for the types beyond its defaults by name)."""
    return f"skops.io.load({str(path)!r}, trusted={trusted!r})"


def _loads_back(path: Path, estimator: Any, trusted: list[str]) -> str | None:
    """Why the skops file just written cannot be read back as ``estimator``'s type, or None.
    (Its types are trusted here: they are those of the object this process just wrote.)"""
    import skops.io

    try:
        back = skops.io.load(path, trusted=trusted)
    except Exception as exc:  # skops raises what importing and rebuilding the parts raise
        return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    if type(back) is not type(estimator):
        return f"it loads as a {type(back).__name__}, not a {type(estimator).__name__}"
    return None


def _save_onnx(estimator: Any, path: Path, schema: Schema) -> str | None:
    """Write the ONNX file; return why it was not written, or None."""
    if schema.model_dtype == np.dtype(object):
        return "the model takes string categories; ONNX export needs all-numeric input"
    try:
        from skl2onnx import convert_sklearn
        from skl2onnx.common.data_types import FloatTensorType
    except ImportError:
        return "skl2onnx is not installed (" + pip_install("'assay[onnx]'") + ")"
    from sklearn.base import is_classifier

    final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    options = {id(final): {"zipmap": False}} if is_classifier(final) else None
    try:
        onx = convert_sklearn(
            estimator,
            initial_types=[("input", FloatTensorType([None, len(schema)]))],
            options=options,
        )
    except Exception as exc:  # skl2onnx raises many types for unsupported models
        return f"skl2onnx could not convert {type(estimator).__name__}: {exc}"
    write_whole(path, onx.SerializeToString())
    return None
