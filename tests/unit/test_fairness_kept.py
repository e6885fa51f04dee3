"""The answer reuses the estimate phase's inputs: the same verdicts as asking again, and no
query paid twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.rng import generator
from assay.fairness.estimate import EstimateSearch
from assay.fairness.kept import KeptSamples, per_attribute
from assay.fairness.oracle import Oracle
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import answer
from assay.models import load_model

SCHEMA = Schema(
    (
        Feature("age", "integer", 18, 90),
        Feature("sex", "integer", 0, 1),
        Feature("hours", "integer", 1, 99),
        Feature("race", "integer", 0, 2),
    ),
    protected=("sex", "race"),
)


def _score(x: np.ndarray) -> np.ndarray:
    return x[:, 0] / 90 + 0.3 * x[:, 1] - 0.2 * (x[:, 3] == 2) + x[:, 2] / 300


class Counting:
    def __init__(self) -> None:
        self.rows = 0

    def labels(self) -> Any:
        def predict(rows: np.ndarray) -> np.ndarray:
            x = np.asarray(rows, dtype=np.float64)
            self.rows += len(x)
            return (_score(x) > 0.9).astype(np.int64)

        return load_model(predict, outputs="labels", n_classes=2)

    def proba(self) -> Any:
        def predict(rows: np.ndarray) -> np.ndarray:
            x = np.asarray(rows, dtype=np.float64)
            self.rows += len(x)
            p = 1 / (1 + np.exp(-6 * (_score(x) - 0.9)))
            return np.stack([1 - p, p], axis=1)

        return load_model(predict, outputs="proba", n_classes=2)


@pytest.mark.parametrize("kind,threshold", [("labels", None), ("proba", None), ("proba", 0.05)])
def test_per_attribute_verdicts_equal_asking_again(kind: str, threshold: float | None) -> None:
    model = getattr(Counting(), kind)()
    rows = SCHEMA.sample_uniform(np.random.default_rng(0), 3000)
    everything = Oracle(SCHEMA, model, threshold=threshold).evaluate(rows)
    for attribute in SCHEMA.protected:
        got = per_attribute(SCHEMA, model, attribute, rows, everything.outputs, threshold)
        again = Oracle(SCHEMA.with_protected([attribute]), model, threshold=threshold).evaluate(
            rows
        )
        assert np.array_equal(got.discriminatory, again.discriminatory)
        assert np.allclose(np.asarray(got.outputs), np.asarray(again.outputs))
        assert got.discriminatory.any() and not got.discriminatory.all()


def _estimate(model: Any, kept: KeptSamples, data: np.ndarray | None = None) -> None:
    search = EstimateSearch(
        SCHEMA,
        model,
        generator(5),
        distributions=("uniform", "data") if data is not None else ("uniform",),
        data=data,
        precision=0.01,
        keep=kept,
    )
    while not search.done:
        search.step()


def test_the_answer_asks_nothing_again_when_the_estimate_drew_enough() -> None:
    counter = Counting()
    model = counter.labels()
    data = SCHEMA.sample_uniform(np.random.default_rng(1), 2000)
    kept = KeptSamples(1500)
    _estimate(model, kept, data)
    assert kept.count("uniform") == 1500 and kept.count("data") == 1500
    before = counter.rows
    got = answer(SCHEMA, model, generator(9), data=data, samples=1500, kept=kept, regions=False)
    assert counter.rows == before  # not a single query more
    assert got["analysis"]["queries"] == 0
    assert got["analysis"]["reused_from_estimate"] == 2 * 2 * 1500  # 2 attributes x 2 dists
    # the same figures as an answer that asks the model about the kept rows again
    fresh = answer(SCHEMA, model, generator(9), data=data, samples=1500, regions=False)
    assert fresh["analysis"]["queries"] > 0
    for mine, theirs in zip(got["verdict"], fresh["verdict"], strict=True):
        assert mine["attribute"] == theirs["attribute"]
        # both are unbiased estimates of the same share: their intervals overlap
        assert mine["uniform_low"] <= theirs["uniform_high"]
        assert theirs["uniform_low"] <= mine["uniform_high"]


def test_the_answer_tops_up_what_the_estimate_did_not_draw() -> None:
    counter = Counting()
    model = counter.labels()
    kept = KeptSamples(400)
    _estimate(model, kept)
    before = counter.rows
    got = answer(SCHEMA, model, generator(9), samples=1000, kept=kept, regions=False)
    # per attribute: 600 fresh inputs, each with every value of the attribute (2, then 3)
    assert counter.rows - before == 600 * 2 + 600 * 3
    assert got["analysis"]["queries"] == 600 * 2 + 600 * 3
    assert got["analysis"]["reused_from_estimate"] == 2 * 400
    assert all(v["uniform_sampled"] == 1000 for v in got["verdict"])


def test_a_run_with_an_estimate_reuses_its_inputs(tmp_path: Path) -> None:
    counter = Counting()

    def predict(frame: Any) -> np.ndarray:
        x = np.asarray(frame, dtype=np.float64)
        counter.rows += len(x)
        return (_score(x) > 0.9).astype(np.int64)

    rows = SCHEMA.sample_uniform(np.random.default_rng(2), 500)
    frame = pd.DataFrame(rows, columns=SCHEMA.names).astype(int)
    result = assay.check_fairness(
        load_model(predict, outputs="labels", n_classes=2),
        data=frame,
        protected="sex,race",
        estimate=True,
        max_queries=20_000,
        seed=3,
        store=tmp_path / "runs.db",
        answer_samples=2_000,
    )
    analysis = result.summary["analysis"]
    assert analysis["reused_from_estimate"] > 0
    # asking afresh would cost, per attribute, every value for 2,000 uniform and 500 data rows
    assert analysis["queries"] < (2_000 + 500) * (2 + 3)
    assert "estimate phase" in analysis["note"]
