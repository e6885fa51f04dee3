"""mutation46: surviving mutants of the estimate over data (``fairness.estimate``): each row
asked at most once, in a seeded order a resume goes on in; a sample that reaches every row is
counted (its share the rows' own, no interval), and says so in every form it is kept in."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assay.core.rng import generator_state, set_generator_state
from assay.fairness.encoded import EncodedModel
from assay.fairness.estimate import Estimate, EstimateSearch, clopper_pearson
from assay.fairness.schema import Feature, Schema

SCHEMA = Schema(
    features=(
        Feature("age", "integer", low=0, high=9999),
        Feature("sex", "categorical", categories=("F", "M")),
    ),
    protected=("sex",),
)


class Seen:
    """Men under 30 (of ``age``) get the favourable label; writes every row it is asked."""

    from assay.core.model import Capabilities

    capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

    def __init__(self) -> None:
        self.ages: list[int] = []

    def predict(self, x: Any, /) -> np.ndarray:
        rows = np.asarray(x)
        self.ages += [int(a) for a in rows[:, 0]]
        out: np.ndarray = ((rows[:, 0].astype(float) % 10 < 3) & (rows[:, 1] == "M")).astype(int)
        return out


def _data(n: int) -> np.ndarray:
    rows = np.array([[i, "F"] for i in range(n)], dtype=object)
    out: np.ndarray = SCHEMA.encode(rows)
    return out


def _search(n: int, model: Seen, seed: int = 3, **kw: Any) -> EstimateSearch:
    return EstimateSearch(
        SCHEMA,
        EncodedModel(SCHEMA, model),
        np.random.default_rng(seed),
        distributions=("data",),
        data=_data(n),
        **kw,
    )


def _run(search: EstimateSearch) -> list[Estimate]:
    while not search.done:
        search.step()
    return search.estimates()


def _asked(model: Seen) -> list[int]:
    return sorted(set(model.ages))


def test_every_row_of_a_small_data_set_is_asked_once_and_counted() -> None:
    model = Seen()
    (est,) = _run(_search(300, model, first_batch=64))
    assert _asked(model) == list(range(300))
    assert est.sampled == 300 and est.discriminatory == 90 and est.counted
    assert est.stopped == "counted" and est.low == est.high == est.share == 0.3
    assert "(90 of 300: every row counted)" in est.describe()
    kept = est.to_json()
    assert kept["counted"] is True
    assert Estimate.from_json(kept).counted


def test_rows_are_never_asked_twice_before_every_one_was() -> None:
    model = Seen()
    (est,) = _run(_search(20_000, model, first_batch=500, precision=0.02, relative=1.0))
    assert not est.counted and est.stopped == "precision"
    assert est.sampled < 20_000
    # each row's variants (one per value of sex) asked together, no row twice
    assert len(model.ages) == 2 * est.sampled == 2 * len(set(model.ages))
    assert (est.low, est.high) == clopper_pearson(est.discriminatory, est.sampled)


def test_a_restored_search_goes_on_in_the_same_order() -> None:
    model = Seen()
    a = _search(3000, model, first_batch=500, precision=0.001)
    a.step()
    snap, state = a.snapshot(), generator_state(a.rng)
    b = _search(3000, Seen(), seed=99, first_batch=500, precision=0.001)
    b.restore(snap)
    set_generator_state(b.rng, state)
    (est,) = _run(b)
    assert est.counted and est.sampled == 3000  # (no row twice, none left: a count)
    first = set(model.ages)
    assert len(first) == 500 and not first & set(b.model.model.ages)  # type: ignore[attr-defined]


def test_a_count_of_no_rows_is_no_count() -> None:
    est = Estimate.of("data", 0, 0, counted=True)
    assert not est.counted and (est.low, est.high) == (0.0, 1.0)
    assert "every row counted" not in est.describe()
    assert "counted" not in est.to_json()


def test_a_threshold_no_decimal_reads_is_a_usage_error() -> None:

    from assay.errors import UsageError
    from assay.fairness.verdict import parse_fail_on

    for text in ("share>1.2.3", "share>1e", "share>+-1%"):
        with pytest.raises(UsageError, match="is not a number"):
            parse_fail_on(text)
    rule = parse_fail_on("share>0.7%", stored=True)
    assert getattr(rule, "value", None) == 0.007


def _below_a_thousand(x: Any) -> np.ndarray:
    """Approves M where 900 <= a + b < 1000 and everyone from 1,000 up."""
    s = x["a"].to_numpy(float) + x["b"].to_numpy(float)
    m = x["sex"].astype(str).to_numpy() == "M"
    out: np.ndarray = ((s >= 1000) | (m & (s >= 900))).astype(int)
    return out


@pytest.mark.parametrize("n", [400, 5000])
def test_an_answer_over_every_data_row_is_their_count_in_every_field(tmp_path: Any, n: int) -> None:
    import pandas as pd

    import assay

    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "a": rng.integers(0, 1000, n),
            "b": rng.integers(0, 1000, n),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    s = frame["a"] + frame["b"]
    idis = int(((s >= 900) & (s < 1000)).sum())
    result = assay.check_fairness(
        _below_a_thousand,
        frame,
        protected="sex",
        seed=1,
        store=tmp_path / "s.db",
        max_queries=2000,
        answer_samples=5000,
    )
    row = result.summary["verdict"][0]
    every = n == 400  # (5,000 rows: a sample of them within the budget)
    if every:
        assert row["data_sampled"] == n and row["data_discriminatory"] == idis
    else:
        assert row["data_sampled"] < n and row["data_low"] < row["data_high"]
    assert row["data_counted"] is every
    assert (row["data_low"] == row["data_high"] == idis / n) is every
    direction = result.summary["direction"]
    assert [bool(d.get("exact")) for d in direction] == [
        every and d["distribution"] == "data" for d in direction
    ]


def test_the_stop_reason_and_the_progress_use_clopper_pearson_s_width() -> None:
    search = _search(300, Seen(), precision=0.1, relative=1.0)
    # 50 of 100: Wilson's half-width 0.096 is within the target 0.1, Clopper-Pearson's 0.102
    # is not (the budget, not the precision, stopped it)
    assert search._stopped(50, 100) == "budget"
    assert search._stopped(50, 110) == "precision"
    search._counts[0] = (50, 100, 200)
    low, high = clopper_pearson(50, 100)
    assert search.progress()["half_width"] == (high - low) / 2
