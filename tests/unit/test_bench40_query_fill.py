"""The walk's query mode fills a round with global samples only where the space can be covered.

A round whose proposals were mostly classes seen before is filled with global samples so that
the model is asked in batches (``BaseSearch._top_up``, made for a small space nearly covered).
In the query mode over a large space that spent the walk's queries on global samples, which
rarely find: COMPAS's MLP, sex, 420 -> 287 IDIs per 1,000 queries (bench/RESULTS.md, bench40).
"""

from __future__ import annotations

import numpy as np
import pytest

from assay.core.budget import BudgetedModel
from assay.core.calls import InlineCaller
from assay.core.model import Capabilities, ModelInputs
from assay.core.rng import generator
from assay.errors import BudgetExhausted
from assay.fairness.encoded import EncodedModel
from assay.fairness.schema import Feature, Schema
from assay.fairness.search import make_search
from assay.fairness.search.base import FILL_SPACE, BaseSearch


def _schema(high: int) -> Schema:
    return Schema(
        features=(
            Feature("a", "integer", low=0, high=high),
            Feature("b", "integer", low=0, high=high),
            Feature("g", "integer", low=0, high=1),
        ),
        protected=("g",),
    )


class Biased:
    """Labels: discriminates on g where a + b is even."""

    capabilities = Capabilities("tabular", 2, "labels")

    def predict(self, inputs: ModelInputs, /) -> np.ndarray:
        x = np.asarray(inputs, dtype=np.float64)
        return np.where((x[:, 0] + x[:, 1]) % 2 == 0, x[:, 2] > 0, x[:, 0] > 5).astype(np.int64)


def _run(schema: Schema, optimize: str, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The walk for 2,000 queries; the classes each call of ``_top_up`` was asked for."""
    asked: list[int] = []
    real = BaseSearch._top_up

    def spy(self: BaseSearch, admitted: int, capacity: int, draw: object = None) -> object:
        asked.append(capacity - admitted)
        return real(self, admitted, capacity)

    monkeypatch.setattr(BaseSearch, "_top_up", spy)
    model = BudgetedModel(EncodedModel(schema, Biased()), max_queries=2_000, caller=InlineCaller())
    search = make_search("walk", schema=schema, model=model, rng=generator(1), optimize=optimize)
    try:
        while not search.done and model.exhausted() is None:
            search.step()
    except BudgetExhausted:
        pass
    search.flush()
    assert asked, "the walk never reached its top-up"
    return asked


def test_the_query_mode_over_a_large_space_asks_for_no_fill(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    large = _schema(2_000)  # 2,001 ** 2 classes: more than FILL_SPACE
    assert FILL_SPACE < 2_001**2
    assert max(_run(large, "queries", monkeypatch)) == 0


@pytest.mark.parametrize(("high", "optimize"), [(39, "queries"), (2_000, "time")])
def test_a_small_space_or_the_time_mode_may_still_be_filled(
    high: int, optimize: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert max(_run(_schema(high), optimize, monkeypatch)) > 0
