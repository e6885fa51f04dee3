"""The share's interval, the retraining round's acceptance and the IDI check at the edges a
one-token bug would pass (bench/RESULTS.md, "mutation22")."""

from __future__ import annotations

from pathlib import Path
from statistics import NormalDist
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities
from assay.core.rng import generator
from assay.fairness.encoded import EncodedModel
from assay.fairness.estimate import Estimate, EstimateSearch, wilson_interval
from assay.fairness.mitigate import (
    Measurement,
    MitigationReport,
    check_max_accuracy_loss,
    mitigate,
)
from assay.fairness.oracle import Oracle
from assay.fairness.schema import Feature, Schema
from assay.fairness.search.base import Starts

SCHEMA = Schema(
    features=(
        Feature("age", "integer", low=18, high=67),
        Feature("sex", "categorical", categories=("F", "M")),
        Feature("hours", "integer", low=0, high=99),
    ),
    protected=("sex",),
)


class Fair:
    """The label from the hours alone: no input is discriminatory."""

    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

    def predict(self, x: object, /) -> np.ndarray:
        return (np.asarray(x)[:, 2].astype(float) >= 40).astype(np.int64)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_the_interval_reaches_its_bounds_exactly_at_none_and_all(confidence: float) -> None:
    """All of n discriminatory: the upper bound is 1 (the formula gave 0.9999999999999999 for
    n = 6 at 90 %, and '100 %' was not the bound); none: the lower is 0."""
    for n in (1, 6, 10, 14, 97, 1000):
        low, high = wilson_interval(n, n, confidence)
        assert high == 1.0 and 0.0 < low < 1.0
        low, high = wilson_interval(0, n, confidence)
        assert low == 0.0 and 0.0 < high < 1.0


def test_the_interval_covers_the_share_at_its_confidence() -> None:
    """The two-sided Wilson interval's known value (k=10, n=100, 95 %: 0.0552 to 0.1744)."""
    low, high = wilson_interval(10, 100, 0.95)
    assert (round(low, 4), round(high, 4)) == (0.0552, 0.1744)
    z = NormalDist().inv_cdf(0.975)
    assert high - low < 2 * z * (0.1 * 0.9 / 100) ** 0.5 + 0.01


def test_sampling_stops_once_the_half_width_reaches_the_target() -> None:
    """A half-width of 0.036 against a target of 0.05 ends the estimate after its first batch
    (the full width, 0.071, is no measure of the target)."""
    search = EstimateSearch(
        SCHEMA,
        BudgetedModel(EncodedModel(SCHEMA, Fair())),
        generator(0),
        precision=0.05,
        floor=0.05,
        first_batch=50,
        max_batch=1000,
    )
    search.step()
    assert search.done
    (est,) = search.estimates()
    assert (est.sampled, est.discriminatory, est.stopped) == (50, 0, "precision")
    assert 0.025 < est.half_width <= 0.05
    assert "0 of 50 sampled" in est.describe()
    assert np.isclose(est.high, 2 * est.half_width)


# -- the retraining round's acceptance -------------------------------------------------------
MSCHEMA = Schema(
    features=(
        Feature("x", "integer", low=0, high=99),
        Feature("sex", "categorical", categories=(0, 1)),
    ),
    protected=("sex",),
)


def _shares(shares: list[float]) -> Any:
    """An ``estimate`` answering these shares (of 100 samples) in turn: the base model's,
    then each round's candidate and its control, then the base, kept and control models'
    final measures; 0.2 once they are spent."""
    left = list(shares)

    def estimate(model: Any, rng: np.random.Generator) -> Estimate:
        share = left.pop(0) if left else 0.2
        return Estimate.of("uniform", round(100 * share), 100)

    return estimate


def _mitigate(shares: list[float], rounds: int = 1, **kw: Any) -> Any:
    """A fair tree (granted from x >= 50) and rounds that add rows with x >= 50, labelled
    'granted' as the truth labels them: no round costs any held-out accuracy."""
    rng = np.random.default_rng(0)
    X = MSCHEMA.sample_uniform(rng, 400)
    y = (X[:, 0] >= 50).astype(np.int64)

    def generate(model: Any, n: int, r: np.random.Generator) -> np.ndarray:
        rows = MSCHEMA.sample_uniform(r, n)
        rows[:, 0] = np.maximum(rows[:, 0], 50)
        return rows

    return mitigate(
        DecisionTreeClassifier(random_state=0).fit(MSCHEMA.decode(X), y),
        schema=MSCHEMA,
        X_train=X,
        y_train=y,
        X_holdout=X,
        y_holdout=y,
        generate=generate,
        estimate=_shares(shares),
        rounds=rounds,
        per_round=20,
        policy="favourable",
        rng=np.random.default_rng(1),
        **kw,
    )


def test_a_round_whose_share_does_not_fall_is_not_kept() -> None:
    report = _mitigate([0.2, 0.2, 0.2])
    assert report.kept == 0 and report.rounds[0]["why"] == "share"


def test_a_bound_of_zero_keeps_a_round_that_loses_nothing() -> None:
    """'0 keeps only rounds that lose nothing': a round at 0 points lost is kept."""
    assert check_max_accuracy_loss(0) == 0.0
    report = _mitigate([0.2, 0.1, 0.2], max_accuracy_loss=0)
    first = report.rounds[0]
    assert first["accuracy_loss"] == 0.0 and first["why"] == "kept" and report.kept == 1


def test_a_later_round_must_beat_the_kept_rounds_share() -> None:
    """Round 1 takes the share from 20 to 10 %; round 2's 15 % is no better than that."""
    report = _mitigate([0.2, 0.1, 0.2, 0.15, 0.2], rounds=2)
    assert [r["why"] for r in report.rounds] == ["kept", "share"]


def test_improved_needs_the_intervals_apart_not_only_a_lower_share() -> None:
    """20 of 100 before, 15 of 100 after: the intervals overlap, so not 'improved'."""
    report = _mitigate([0.2, 0.1, 0.2, 0.2, 0.15, 0.2])
    assert report.after.estimate.share < report.before.estimate.share
    assert not report.improved


def test_no_model_written_says_why_when_one_round_was_refused_for_accuracy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Round 1 lowered the share but cost too much accuracy, round 2 did not lower it: the
    text must not say that no round lowered the share."""
    import assay.fairness.retrain as retrain

    est = Estimate.of("uniform", 20, 100)
    lower = Estimate.of("uniform", 5, 100).to_json()
    refused = {
        "round": 1, "why": "accuracy", "kept": False, "estimate": lower,
        "accuracy": 0.6, "accuracy_loss": 30.0, "control": {"accuracy": 0.9},
    }  # fmt: skip
    report = MitigationReport(
        before=Measurement(est, 0.9),
        after=Measurement(est, 0.9),
        control=Measurement(est, 0.9),
        rounds=(refused, {"round": 2, "why": "share", "kept": False}),
        policy="favourable",
        estimator=None,
        max_accuracy_loss=5.0,
    )
    monkeypatch.setattr(retrain, "mitigate", lambda *a, **k: report)
    monkeypatch.setattr(retrain, "check_retrainable", lambda setup: None)
    stored: dict[str, Any] = {}

    class Store:
        path = Path("/nonexistent/runs.db")

        def get_run(self, run_id: str) -> Any:
            return SimpleNamespace(summary={})

        def checkpoint(self, run_id: str, *, summary: dict[str, Any]) -> None:
            stored.update(summary)

    setup = SimpleNamespace(
        estimator=object(), train=(None, None), holdout=(None, None), form=None,
        test=SimpleNamespace(schema=MSCHEMA, data=None),
    )  # fmt: skip
    result = retrain.retrain_model(setup, store=Store(), run_id="r", seed=0)  # type: ignore[arg-type]
    assert result["saved"] == []
    assert "No retrained model was written (the model is unchanged)." in result["text"]
    assert "No round lowered the share" not in result["text"]
    assert "No round lowered the share" not in stored["sections"][-1]["text"]


# -- the IDI check ---------------------------------------------------------------------------
class Probabilities:
    """P(granted) = 0.25 for women, 0.25 + ``gap`` for men (sex is column 1): at a gap of
    0.25 one label (class 0 both ways: 0.5 is no majority), probabilities 0.25 apart."""

    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="proba")

    def __init__(self, gap: float) -> None:
        self.gap = gap

    def predict(self, x: object, /) -> np.ndarray:
        male = np.asarray(x)[:, 1] == 1
        p1 = np.where(male, 0.25 + self.gap, 0.25)
        return np.stack([1 - p1, p1], axis=1)


def test_a_probability_gap_exactly_at_the_threshold_is_not_discrimination() -> None:
    """'more than G': a gap of 0.25 at G = 0.25 is not; 0.5 is."""
    rows = MSCHEMA.sample_uniform(np.random.default_rng(0), 8)
    for gap, found in ((0.25, False), (0.5, True)):
        model = EncodedModel(MSCHEMA, Probabilities(gap))
        v = Oracle(MSCHEMA, model, threshold=0.25).evaluate(rows)
        assert v.discriminatory.tolist() == [found] * 8


def test_the_features_changed_from_the_origin_leave_out_the_protected_ones() -> None:
    data = np.array([[10.0, 0.0], [20.0, 1.0]])
    starts = Starts(MSCHEMA, data, "data", np.random.default_rng(0))
    rows = np.array([[10.0, 1.0], [21.0, 0.0], [30.0, 1.0]])
    assert starts.n_changed(rows, np.array([0, 1, -1]), np.array([1])).tolist() == [0, 1, -1]
