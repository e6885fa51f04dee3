"""mutation46: surviving mutants of the estimate over data (``fairness.estimate``): each row
asked at most once, in a seeded order a resume goes on in; a sample that reaches every row is
counted (its share the rows' own, no interval), and says so in every form it is kept in."""

from __future__ import annotations

from typing import Any

import numpy as np

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
