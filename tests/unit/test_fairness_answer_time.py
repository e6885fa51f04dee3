"""A slow model under --max-time: the answer's samples are cut to end by its deadline (no
fewer than 500 rows each) and say so, where the whole answer was left out ("NOT EVERYTHING
WAS TESTED ... give the run more time") for a model answering 20,000 inputs in 5 s."""

from __future__ import annotations

import time

import numpy as np

from assay.core.rng import generator
from assay.fairness.schema import Feature, Schema
from assay.fairness.verdict import MIN_ANSWER_SAMPLE, answer
from assay.models import load_model

SCHEMA = Schema(
    (Feature("a", "integer", 0, 50), Feature("s", "integer", 0, 1), Feature("b", "integer", 0, 9)),
    protected=("s",),
)


def _slow(x: np.ndarray) -> np.ndarray:
    time.sleep(0.002 * len(x) / 100)  # 20 us an input
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 30) | ((x[:, 1] == 1) & (x[:, 2] < 3))).astype(int)


def test_samples_are_cut_by_the_deadline_and_say_so() -> None:
    model = load_model(_slow, outputs="labels", n_classes=2)
    t0 = time.monotonic()
    got = answer(SCHEMA, model, generator(3), samples=20_000, regions=False, deadline=t0 + 0.3)
    (v,) = got["verdict"]
    assert MIN_ANSWER_SAMPLE <= v["uniform_sampled"] < 20_000
    assert v["uniform_low"] < v["share_uniform"] < v["uniform_high"]
    assert got["analysis"]["cut_by_time"], got["analysis"]
    assert time.monotonic() - t0 < 3.0
    whole = answer(SCHEMA, model, generator(3), samples=2_000, regions=False)
    assert whole["verdict"][0]["uniform_sampled"] == 2_000
    assert not whole["analysis"]["cut_by_time"]
