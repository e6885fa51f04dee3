"""left30: the fairness answer's samples are bounded by max(--max-queries, 20,000) queries,
said before the run and beside the answer; ordinary runs (a few protected values) sample as
before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assay.fairness.answer import AnswerOptions
from assay.fairness.answer_cost import LEAST_QUERIES, answer_rows
from assay.fairness.schema import Feature, Schema


def _schema(values: int, attributes: int = 1) -> Schema:
    features = [
        Feature(f"p{i}", "categorical", categories=tuple(f"v{j}" for j in range(values)))
        for i in range(attributes)
    ]
    features.append(Feature("x", "integer", low=0, high=1000))
    return Schema(tuple(features), protected=tuple(f"p{i}" for i in range(attributes)))


@pytest.mark.parametrize("values", [2, 3, 5, 10])
@pytest.mark.parametrize("has_data", [False, True])
def test_ordinary_runs_sample_as_before(values: int, has_data: bool) -> None:
    schema = _schema(values)
    for max_queries in (100, 1_000, 5_000, 20_000, 200_000, 10_000_000):
        for samples in (100, 500, 2_000, 20_000):
            per = max_queries // (values * (2 if has_data else 1))
            rows, note = answer_rows(schema, has_data, samples, max_queries)
            assert rows == min(samples, max(500, per))  # the rule before left30
            assert note is None


def test_many_values_are_cut_to_the_stated_bound_and_said() -> None:
    schema = _schema(1_000)
    rows, note = answer_rows(schema, True, 20_000, 5_000)
    assert rows * 1_000 * 2 <= max(5_000, LEAST_QUERIES)
    assert rows == 10
    assert note is not None
    assert "--max-queries 5,000" in note and "--max-queries 1,000,000 gives it 500" in note
    # several attributes: each answered with its own values (summed)
    rows, note = answer_rows(_schema(100, 2), False, 20_000, 5_000)
    assert rows == LEAST_QUERIES // 200 and note is not None
    # a large enough budget: the floor again, no note
    assert answer_rows(schema, True, 20_000, 1_000_000) == (500, None)
    # never no row at all
    assert answer_rows(_schema(10_000), True, 20_000, 10)[0] == 1


def test_the_note_is_kept_for_a_resume() -> None:
    options = AnswerOptions(bounded="said")
    assert options.to_json()["bounded"] == "said"


def test_a_run_of_a_thousand_values_asks_the_answer_within_its_bound(tmp_path) -> None:
    import assay

    df, predict = _thousand_values()
    r = assay.check_fairness(
        predict,
        data=df,
        label="y",
        protected="job",
        max_queries=5_000,
        seed=1,
        store=str(tmp_path / "s.db"),
    )
    asked = r.summary["model_queries"]["answer"]
    # before left30: 500 rows of two sources with 1,000 values each (1,000,000 and more)
    assert asked <= 1.2 * LEAST_QUERIES, asked
    assert r.summary["analysis"]["samples"] == 10
    assert "its samples are bounded by --max-queries 5,000" in r.summary["headline"]


def _thousand_values() -> tuple[pd.DataFrame, object]:
    k = 1_000
    rng = np.random.default_rng(0)
    n = 2 * k
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "income": rng.integers(0, 100_000, n),  # a domain too large to enumerate
            "job": [f"job{i % k}" for i in range(n)],
        }
    )
    df["y"] = (df.age > 40).astype(int)

    def predict(x: pd.DataFrame) -> np.ndarray:
        return ((x["age"] > 40) | (x["job"].astype(str) == "job1")).to_numpy().astype(int)

    return df, predict


def test_a_resumed_run_answers_with_its_cut_rows_and_note(tmp_path) -> None:
    """Its stored samples (10) are fewer than --answer-samples' least (100): the resume
    answers with them (it refused them: "must be at least 100, not 10") and keeps the note."""
    import threading

    import assay

    df, predict = _thousand_values()
    stop = threading.Event()
    stop.set()  # (stopped at the search's first step: its answer is the resume's)
    store = str(tmp_path / "s.db")
    first = assay.check_fairness(
        predict, data=df, label="y", protected="job", max_queries=5_000, seed=1,
        store=store, stop=stop,
    )  # fmt: skip
    assert first.status == "interrupted"
    resumed = assay.resume_run(first.run_id, store=store, model=predict, data=df)
    assert resumed.summary["analysis"]["samples"] == 10
    assert "its samples are bounded by --max-queries 5,000" in resumed.summary["headline"]
