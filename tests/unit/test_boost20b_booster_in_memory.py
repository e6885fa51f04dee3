"""In-memory XGBoost and LightGBM classifiers analysed exactly through their ONNX conversion
(onnxmltools, made in memory): the figures equal asking the model every input of a small
domain; a conversion that answers otherwise than the model is refused with its count; without
onnxmltools the advice to export the model stands."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

import assay
from assay.core.model import labels_of
from assay.fairness.exact import analyse, compose_read
from assay.fairness.exact.checked import CONVERSION_INPUTS, checked
from assay.models import booster_onnx, load_model
from assay.models.trees import read_trees

# the small domain (1,800 inputs) and the brute-force share of hostile20a's booster tests
from test_hostile20a_boosters_exact import GRID, LGB, SCHEMA, XGB, _brute  # isort: skip


def _fitted(kind: str, classes: int = 2, flip: bool = False) -> Any:
    rng = np.random.default_rng(1)
    x = SCHEMA.sample_uniform(rng, 3000)
    score = x[:, 0] + 2 * x[:, 1] + 3 * (x[:, 2] > 7) + np.array([0, 3, -1, 2])[x[:, 3].astype(int)]
    score = score + rng.normal(0, 2, len(x))
    if flip:
        score = -score
    if classes == 2:
        y = (score > np.median(score)).astype(int)
    else:
        y = np.digitize(score, np.quantile(score, np.linspace(0, 1, classes + 1)[1:-1]))
    estimator = xgb.XGBClassifier(**XGB) if kind == "xgb" else lgb.LGBMClassifier(**LGB)
    return estimator.fit(x, y)


def _run(estimator: Any, tmp_path: Path) -> dict[str, Any]:
    """The stored exact figures of a fairness run of ``estimator`` with ``exact=True``."""
    rows = SCHEMA.sample_uniform(np.random.default_rng(5), 200).astype(int)
    data = pd.DataFrame(rows, columns=[f.name for f in SCHEMA.features])
    result = assay.check_fairness(
        model=estimator,
        data=data,
        schema=SCHEMA,
        protected=["s"],
        max_queries=500,
        exact=True,
        store=tmp_path / "runs.db",
    )
    (exact,) = result.summary["exact"]
    return dict(exact)


@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_in_memory_booster_exact_figures_equal_enumeration(kind: str, classes: int) -> None:
    estimator = _fitted(kind, classes)
    model = load_model(estimator)
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    assert arrays.conversion.startswith("its ONNX conversion (onnxmltools ")
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str), trees
    truth = labels_of(np.asarray(model.predict(SCHEMA.decode(GRID))), model.capabilities)
    assert np.array_equal(trees.predict_encoded(GRID), truth)
    shares = []
    for attribute in ("s", "c", "a"):
        result = analyse(SCHEMA, trees, attribute)  # the branch and bound, not enumeration
        assert result.status == "exact"
        want = _brute(model, attribute)
        assert result.uniform[0] == result.uniform[1] == pytest.approx(want, abs=1e-12)
        shares.append(want)
    assert 0 < shares[0] < 1


@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_in_memory_booster_run_says_what_was_read_and_checked(kind: str, tmp_path: Path) -> None:
    estimator = _fitted(kind)
    exact = _run(estimator, tmp_path)
    assert exact["status"] == "exact"
    share = exact["share_uniform"]
    assert share["low"] == share["high"] == pytest.approx(_brute(load_model(estimator), "s"))
    said = " ".join(exact["assumptions"])
    version = booster_onnx.convert(estimator)
    assert not isinstance(version, (str, type(None)))
    checked_on = CONVERSION_INPUTS + 200
    assert (
        f"{type(estimator).__name__} read from {version.note}, checked against the model on "
        f"{checked_on:,} inputs"
    ) in said
    assert exact["queries"] == 0  # classed through the trees, not asked of the model


@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_a_conversion_of_another_model_is_refused_with_the_count(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The conversion is swapped for one of a model fitted on the opposite labels: its trees
    are not the user's model, so they are not analysed; the reason counts the inputs on which
    they differ, and the figures come from asking the model itself."""
    other = booster_onnx.convert(_fitted(kind, flip=True))
    assert isinstance(other, booster_onnx.Converted)
    monkeypatch.setattr(booster_onnx, "convert", lambda estimator, deadline=None: other)
    estimator = _fitted(kind)
    exact = _run(estimator, tmp_path)
    found = re.search(
        r"ONNX conversion \(onnxmltools [^)]+\) of the \w+ disagrees with the model on "
        r"([\d,]+) of ([\d,]+) inputs",
        exact["source"],
    )
    assert found, exact["source"]
    differ, total = (int(g.replace(",", "")) for g in found.groups())
    assert total == CONVERSION_INPUTS + 200 and differ > total // 2
    assert exact["queries"] > 0  # asked of the model, every input of the small domain
    share = exact["share_uniform"]
    assert share["low"] == pytest.approx(_brute(load_model(estimator), "s"))


def test_checked_counts_the_disagreements_on_the_inputs_and_the_data_rows() -> None:
    estimator = _fitted("xgb")
    arrays = read_trees(load_model(estimator))
    assert not isinstance(arrays, str)
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str)
    data = GRID[:300]

    def wrong_where_a_is_0(rows: np.ndarray) -> np.ndarray:
        out = trees.predict_encoded(rows)
        return np.where(rows[:, 0] == 0, 1 - out, out)

    reason = checked(SCHEMA, trees, arrays, wrong_where_a_is_0, data)
    asked = np.concatenate([SCHEMA.sample_uniform(np.random.default_rng(0), 4096), data])
    assert reason == (
        f"{arrays.conversion} disagrees with the model on {int((asked[:, 0] == 0).sum()):,} "
        f"of {CONVERSION_INPUTS + 300:,} inputs, so its trees are not the model's"
    )
    kept = checked(SCHEMA, trees, arrays, trees.predict_encoded, data)
    assert not isinstance(kept, str)
    assert kept.source.endswith(f"checked against the model on {CONVERSION_INPUTS + 300:,} inputs")


@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_without_onnxmltools_the_advice_to_export_stands(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = load_model(_fitted(kind))
    assert not isinstance(read_trees(model), str)  # with onnxmltools: read
    monkeypatch.setitem(sys.modules, "onnxmltools", None)  # the import fails
    reason = read_trees(model)
    assert isinstance(reason, str)
    assert "export the model to ONNX" in reason
    assert ("convert_xgboost" if kind == "xgb" else "convert_lightgbm") in reason


def test_a_conversion_onnxmltools_cannot_make_is_a_reason() -> None:
    """onnxmltools does not convert ``binary:logitraw``: its error is the reason given."""
    x = SCHEMA.sample_uniform(np.random.default_rng(1), 500)
    estimator = xgb.XGBClassifier(objective="binary:logitraw", **XGB).fit(x, x[:, 1] > 0)
    reason = read_trees(load_model(estimator))
    assert isinstance(reason, str)
    assert reason.startswith("its ONNX conversion (onnxmltools ") and "failed" in reason


def test_a_booster_fitted_on_named_columns_is_converted() -> None:
    """XGBoost fitted on a frame names its columns; onnxmltools reads only f0, f1, ...: a copy
    without the names is converted (the user's model keeps them)."""
    x = SCHEMA.sample_uniform(np.random.default_rng(1), 3000)
    frame = pd.DataFrame(x, columns=[f.name for f in SCHEMA.features])
    y = (x[:, 0] + 3 * x[:, 1] > 9).astype(int)
    estimator = xgb.XGBClassifier(**XGB).fit(frame, y)
    model = load_model(estimator)
    arrays = read_trees(model)
    assert not isinstance(arrays, str), arrays
    assert estimator.get_booster().feature_names == [f.name for f in SCHEMA.features]
    trees = compose_read(SCHEMA, arrays)
    assert not isinstance(trees, str)
    truth = labels_of(np.asarray(model.predict(SCHEMA.decode(GRID))), model.capabilities)
    assert np.array_equal(trees.predict_encoded(GRID), truth)


def _category_run(estimator: Any, tmp_path: Path, name: str) -> dict[str, Any]:
    rng = np.random.default_rng(2)
    n = 2000
    frame = pd.DataFrame(
        {
            "a": rng.integers(0, 10, n),
            "s": pd.Categorical(rng.choice(["F", "M"], n)),
            "c": pd.Categorical(rng.choice(["p", "q", "r", "t"], n)),
        }
    )
    score = frame["a"] + 3 * (frame["s"] == "M") + 4 * frame["c"].isin(["q", "t"])
    y = (score + rng.normal(0, 2, n) > 7).astype(int).to_numpy()
    estimator.fit(frame, y)
    result = assay.check_fairness(
        model=estimator,
        data=frame.iloc[:300],
        protected=["s"],
        max_queries=500,
        exact=True,
        store=tmp_path / f"{name}.db",
    )
    (exact,) = result.summary["exact"]
    return dict(exact)


@pytest.mark.parametrize("kind", ["xgb", "lgbm"])
def test_a_booster_fitted_on_category_columns_is_read_as_it_codes_them(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fitted on a DataFrame with string ``category`` columns, the booster compares the codes
    of its training categories: the trees read are fed the same, pass the check, and give the
    share that asking the model every input gives (onnxmltools hidden)."""

    def fresh() -> Any:
        if kind == "xgb":
            return xgb.XGBClassifier(**XGB, enable_categorical=True)
        return lgb.LGBMClassifier(**LGB)

    read = _category_run(fresh(), tmp_path, "read")
    assert read["status"] == "exact" and read["queries"] == 0
    assert "read from its ONNX conversion" in read["source"]
    monkeypatch.setitem(sys.modules, "onnxmltools", None)
    asked = _category_run(fresh(), tmp_path, "asked")
    assert asked["status"] == "exact" and asked["queries"] > 0
    assert read["share_uniform"] == asked["share_uniform"]
    assert read["share_data"] == asked["share_data"]
    assert 0 < read["share_uniform"]["low"] < 1
