"""Estimating the share of discriminatory inputs: Wilson intervals and EstimateSearch."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core.budget import BudgetedModel
from assay.core.model import Capabilities
from assay.core.rng import generator_state, set_generator_state
from assay.core.run import execute
from assay.core.store import RunStore, new_run_id
from assay.errors import UsageError
from assay.fairness.encoded import EncodedModel
from assay.fairness.estimate import Estimate, EstimateSearch, estimate_share, wilson_interval
from assay.fairness.schema import Feature, Schema

SCHEMA = Schema(
    features=(
        Feature("age", "integer", low=18, high=67),  # 50 values, 12 of them below 30
        Feature("sex", "categorical", categories=("F", "M")),
        Feature("hours", "integer", low=0, high=99),  # 40 of 100 values below 40
    ),
    protected=("sex",),
)
# Planted bias: below 30, men get the positive label regardless of hours.  An input is
# discriminatory exactly when age < 30 and hours < 40: share (12/50) * (40/100).
TRUE_SHARE = (12 / 50) * (40 / 100)


class Planted:
    """Takes rows as the schema decodes them (age, 'F'/'M', hours)."""

    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

    def __init__(self, biased: bool = True) -> None:
        self.biased = biased
        self.seen: list[np.ndarray] = []

    def predict(self, x: Any, /) -> np.ndarray:
        rows = np.asarray(x)
        self.seen.append(rows.copy())
        age = rows[:, 0].astype(float)
        male = rows[:, 1] == "M"
        hours = rows[:, 2].astype(float)
        label = hours >= 40
        if self.biased:
            label = label | ((age < 30) & male)
        return label.astype(np.int64)


def encoded(model: Planted, max_queries: int | None = None) -> BudgetedModel:
    return BudgetedModel(EncodedModel(SCHEMA, model), max_queries=max_queries)


def run(search: EstimateSearch) -> list[Estimate]:
    while not search.done:
        assert search.step() == []
    return search.estimates()


# -- Wilson interval ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        # published 95 % Wilson intervals (e.g. Newcombe 1998, Table I style values)
        (0, 100, 0.0, 0.036994),
        (50, 100, 0.403832, 0.596168),
        # one success: the exact lower bound, 1 - 0.975 ** (1 / 10) (Wilson's own, 0.017875,
        # held the share 84 % of the time near 0.17 / n: audit45f)
        (1, 10, 0.002529, 0.404150),
        (10, 10, 0.722467, 1.0),
    ],
)
def test_wilson_interval_matches_hand_computed_values(
    k: int, n: int, low: float, high: float
) -> None:
    lo, hi = wilson_interval(k, n)
    assert lo == pytest.approx(low, abs=2e-6)
    assert hi == pytest.approx(high, abs=2e-6)


def test_wilson_interval_edge_cases_and_errors() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    assert wilson_interval(0, 100)[0] == 0.0
    assert wilson_interval(100, 100)[1] == 1.0
    lo90, hi90 = wilson_interval(30, 100, 0.90)
    lo99, hi99 = wilson_interval(30, 100, 0.99)
    assert lo99 < lo90 < 0.3 < hi90 < hi99
    with pytest.raises(UsageError):
        wilson_interval(5, 3)
    with pytest.raises(UsageError, match="confidence"):
        wilson_interval(1, 3, confidence=1.5)


def test_wilson_interval_covers_about_95_percent() -> None:
    rng = np.random.default_rng(3)
    for p, n in ((0.1, 200), (0.02, 500), (0.5, 60)):
        ks = rng.binomial(n, p, size=3000)
        covered = np.mean([lo <= p <= hi for lo, hi in (wilson_interval(int(k), n) for k in ks)])
        assert 0.925 <= covered <= 0.975, (p, n, covered)


def test_describe_says_what_was_measured() -> None:
    e = Estimate.of("uniform", 312, 10_000)
    text = e.describe()
    assert text.startswith(
        "estimated share of discriminatory inputs (uniform over the schema's input space): 3.12 %"
    )
    # (Clopper-Pearson's since left45f: Wilson's read "2.80 % to 3.48 %")
    assert "(95 % CI 2.79 % to 3.48 %; 312 of 10,000 sampled)" in text
    back = Estimate.from_json(e.to_json())
    assert back == e


# -- EstimateSearch ---------------------------------------------------------------------------
def test_planted_bias_share_is_inside_the_interval_at_the_target_precision() -> None:
    model = encoded(Planted())
    search = EstimateSearch(SCHEMA, model, np.random.default_rng(11), precision=0.005)
    (est,) = run(search)
    assert est.low <= TRUE_SHARE <= est.high
    assert est.half_width <= 0.005
    assert est.stopped == "precision"
    assert est.queries == model.queries <= 2 * est.sampled
    # examples are real discriminatory inputs: age < 30, hours < 40, labels differ
    assert 1 <= len(est.examples) <= 5
    for ex in est.examples:
        assert int(ex["input"]["age"]) < 30 and int(ex["input"]["hours"]) < 40
        assert ex["outputs"] == {"sex=F": 0, "sex=M": 1}
    summary = search.summary()
    assert summary["estimates"][0]["share"] == est.share
    assert summary["not_estimated"] == []


def test_model_that_ignores_the_protected_attribute_gives_zero() -> None:
    (est,) = run(EstimateSearch(SCHEMA, encoded(Planted(biased=False)), np.random.default_rng(1)))
    assert est.discriminatory == 0
    assert est.share == 0.0 and est.low == 0.0
    assert est.high <= 0.01
    assert est.examples == ()


def test_budget_end_gives_a_wider_interval_and_no_error() -> None:
    model = encoded(Planted(), max_queries=3000)
    search = EstimateSearch(SCHEMA, model, np.random.default_rng(11), precision=0.005)
    (est,) = run(search)
    assert est.stopped == "budget"
    assert est.half_width > 0.01  # about 1,800 inputs sampled, not ~14,000
    assert model.queries <= 3000
    assert est.low <= TRUE_SHARE <= est.high
    assert "the budget ended before the target" in est.describe()


def test_data_distribution_samples_only_the_given_rows() -> None:
    data = SCHEMA.encode(np.array([[20, "M", 10], [50, "F", 10], [25, "F", 60]], dtype=object))
    raw = Planted()
    search = EstimateSearch(
        SCHEMA, encoded(raw), np.random.default_rng(5), distributions=("data",), data=data
    )
    (est,) = run(search)
    assert est.distribution == "data"
    assert est.low <= 1 / 3 <= est.high
    seen = np.concatenate(raw.seen)
    pairs = {(int(a), int(h)) for a, h in zip(seen[:, 0], seen[:, 2], strict=True)}
    assert pairs == {(20, 10), (50, 10), (25, 60)}


def test_two_distributions_split_the_budget() -> None:
    rng = np.random.default_rng(0)
    data = SCHEMA.sample_uniform(rng, 300)
    model = encoded(Planted(), max_queries=4000)
    search = EstimateSearch(
        SCHEMA,
        model,
        np.random.default_rng(2),
        distributions=("uniform", "data"),
        data=data,
        precision=0.004,
    )
    uniform, over_data = run(search)
    assert uniform.stopped == "budget" and uniform.queries <= 2000
    # the data's 300 rows each asked once (left45r: drawn with replacement before, its 600
    # variants answered once, then from the cache): the rows counted, not sampled
    assert over_data.stopped == "counted" and over_data.counted and over_data.sampled == 300
    assert over_data.queries <= 600 and over_data.low == over_data.high == over_data.share
    assert uniform.queries + over_data.queries == model.queries <= 4000


def test_snapshot_and_restore_continue_exactly() -> None:
    def fresh(seed: int) -> EstimateSearch:
        return EstimateSearch(
            SCHEMA,
            EncodedModel(SCHEMA, Planted()),
            np.random.default_rng(seed),
            first_batch=500,
            precision=0.006,
        )

    straight = fresh(4)
    run(straight)

    a = fresh(4)
    a.step()
    a.step()
    snap, state = a.snapshot(), generator_state(a.rng)
    run(a)

    b = fresh(99)
    b.restore(snap)
    set_generator_state(b.rng, state)
    run(b)
    assert a.summary() == b.summary() == straight.summary()
    assert a.estimates()[0].examples == b.estimates()[0].examples


class EstimateTechnique:
    name = "estimate"

    def __init__(self, data: np.ndarray) -> None:
        self.data = data

    def config(self) -> dict[str, Any]:
        return {}

    def search(self, model: BudgetedModel, rng: np.random.Generator) -> EstimateSearch:
        return EstimateSearch(
            SCHEMA,
            model,
            rng,
            distributions=("uniform", "data"),
            data=self.data,
            first_batch=300,
            precision=0.006,
        )


def test_interrupted_run_resumes_to_the_same_estimates(tmp_path: Any) -> None:
    data = SCHEMA.sample_uniform(np.random.default_rng(0), 500)
    store = RunStore(tmp_path / "runs.db")

    def start() -> str:
        run_id = new_run_id("estimate")
        store.create_run(
            run_id=run_id, technique="estimate", seed=3, command="t", config={}, model={},
            versions={},
        )  # fmt: skip
        return run_id

    def go(run_id: str, **kw: Any) -> Any:
        model = EncodedModel(SCHEMA, Planted())
        return execute(
            EstimateTechnique(data), model, store=store, run_id=run_id, seed=3,
            max_queries=12_000, commit_interval=0, **kw,
        )  # fmt: skip

    full = go(start())
    part = start()
    first = go(part, stop_after_checkpoints=6)
    assert first.status == "interrupted"
    second = go(part, resume=True)
    assert second.summary["estimates"] == full.summary["estimates"]
    # (500 rows: each asked once, counted, since left45r; the resume goes on in their order)
    assert [e["stopped"] for e in full.summary["estimates"]] == ["budget", "counted"]
    assert second.progress["queries"] == full.progress["queries"] <= 12_000


def test_mistakes_are_usage_errors() -> None:
    m = encoded(Planted())
    with pytest.raises(UsageError, match="needs --data"):
        EstimateSearch(SCHEMA, m, np.random.default_rng(0), distributions=("data",))
    with pytest.raises(UsageError, match="unknown distribution"):
        EstimateSearch(SCHEMA, m, np.random.default_rng(0), distributions=("normal",))
    with pytest.raises(UsageError, match="3 encoded columns"):
        EstimateSearch(
            SCHEMA, m, np.random.default_rng(0), distributions=("data",), data=np.zeros((4, 2))
        )


def test_estimate_share_runs_to_the_end() -> None:
    est = estimate_share(SCHEMA, encoded(Planted()), np.random.default_rng(8), precision=0.01)
    assert est.low <= TRUE_SHARE <= est.high and est.half_width <= 0.01


class RareBug:
    """Discriminates (label depends on sex) only when x == 7: 1 input in 400 (0.25 %)."""

    capabilities = Capabilities("tabular", 2, "labels")

    def predict(self, inputs: Any, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        return ((x[:, 0] == 7) & (x[:, 2] == 1)).astype(np.int64)


def test_the_default_precision_is_relative_so_a_rare_bug_is_measured() -> None:
    s = Schema(
        features=(
            Feature("x", "integer", low=0, high=399),
            Feature("z", "integer", low=0, high=99_999),
            Feature("sex", "integer", low=0, high=1),
        ),
        protected=("sex",),
    )
    model = BudgetedModel(EncodedModel(s, RareBug()), max_queries=2_000_000)
    est = estimate_share(s, model, np.random.default_rng(5))
    assert est.stopped == "precision"
    assert est.low <= 0.0025 <= est.high
    assert est.half_width <= 0.1 * est.share + 1e-9  # within 10 % of the estimate
    assert model.queries <= 2_000_000


def test_the_estimate_cost_is_bounded_by_the_budget() -> None:
    s = Schema(
        features=(
            Feature("x", "integer", low=0, high=399),
            Feature("sex", "integer", low=0, high=1),
            Feature("z", "integer", low=0, high=99_999),
        ),
        protected=("sex",),
    )

    class Rare:
        capabilities = Capabilities("tabular", 2, "labels")

        def predict(self, inputs: Any, /) -> np.ndarray:
            x = np.asarray(inputs, dtype=np.float64)
            return ((x[:, 0] == 7) & (x[:, 1] == 1)).astype(np.int64)

    model = BudgetedModel(EncodedModel(s, Rare()), max_queries=20_000)
    est = estimate_share(s, model, np.random.default_rng(5))
    assert model.queries <= 20_000
    assert est.stopped == "budget"
    assert "budget ended" in est.describe()
