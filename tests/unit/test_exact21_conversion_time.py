"""exact21: converting an in-memory booster to ONNX is part of the exact analysis's time.

The conversion (seconds for hundreds of trees) ran before ``--exact-time`` started: a slow one
overran the user's budget and nothing said so.  Now the conversion and its check are counted
in that time, the model as read says how long they took, and a conversion still running when
the time is over is given up with the reason.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import onnxmltools
import pandas as pd
import pytest
import xgboost as xgb

import assay
from assay.fairness.exact import compose_read
from assay.models import booster_onnx, load_model
from assay.models.trees import read_trees

# the small domain (1,800 inputs) of hostile20a's booster tests
from test_hostile20a_boosters_exact import SCHEMA, XGB  # isort: skip


def _fitted() -> Any:
    rng = np.random.default_rng(1)
    x = SCHEMA.sample_uniform(rng, 1000)
    y = (x[:, 0] + 2 * x[:, 1] + rng.normal(0, 2, len(x)) > 6).astype(int)
    return xgb.XGBClassifier(**XGB).fit(x, y)


def _exact(estimator: Any, tmp_path: Path, seconds: float) -> dict[str, Any]:
    rows = SCHEMA.sample_uniform(np.random.default_rng(5), 100).astype(int)
    result = assay.check_fairness(
        model=estimator,
        data=pd.DataFrame(rows, columns=[f.name for f in SCHEMA.features]),
        schema=SCHEMA,
        protected=["s"],
        max_queries=300,
        exact=True,
        exact_time=seconds,
        store=tmp_path / "runs.db",
    )
    (exact,) = result.summary["exact"]
    return dict(exact)


def test_the_conversion_time_is_said_as_part_of_the_exact_time(tmp_path: Path) -> None:
    exact = _exact(_fitted(), tmp_path, 30.0)
    assert exact["status"] == "exact"
    said = " ".join(exact["assumptions"])
    assert "checked in " in said and " s of the 30 s for the exact analysis" in said


def test_a_conversion_slower_than_the_exact_time_is_given_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """onnxmltools made to take 30 s under an --exact-time of 1.5 s: the reading is given up
    when the time is over and the reason says so; the run does not wait for it (3 s alone,
    6 s in a loaded suite)."""
    real = onnxmltools.convert_xgboost

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(30.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(onnxmltools, "convert_xgboost", slow)
    t0 = time.monotonic()
    exact = _exact(_fitted(), tmp_path, 1.5)
    assert time.monotonic() - t0 < 20.0  # not the 30 s of the conversion on top of the run
    assert exact["status"] == "unavailable"
    assert (
        "did not finish in the 1.5 s left of the time for the exact analysis" in (exact["reason"])
    )


def test_the_deadline_is_passed_to_the_conversion(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    real = booster_onnx.convert

    def spy(estimator: Any, deadline: float | None = None) -> Any:
        seen.append(deadline)
        return real(estimator, deadline)

    monkeypatch.setattr(booster_onnx, "convert", spy)
    arrays = read_trees(load_model(_fitted()), deadline=time.monotonic() + 30)
    assert not isinstance(arrays, str) and arrays.read_seconds > 0
    assert seen and seen[0] is not None


def test_time_spent_converting_is_taken_from_the_analysis() -> None:
    from assay.fairness.answer import _time_left

    arrays = read_trees(load_model(_fitted()))
    assert not isinstance(arrays, str)
    model = compose_read(SCHEMA, arrays)
    assert not isinstance(model, str)
    kept, left = _time_left(model, arrays, 10.0, 4.0)
    assert left == pytest.approx(6.0)
    assert not isinstance(kept, str)
    assert kept.source.endswith("converted and checked in 4.0 s of the 10 s for the exact analysis")
    spent, none = _time_left(model, arrays, 10.0, 9.8)
    assert isinstance(spent, str) and "no time was left to analyse its trees" in spent
    assert none == pytest.approx(0.2)
