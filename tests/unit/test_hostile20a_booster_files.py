"""XGBoost and LightGBM models as files and objects assay does not load: the error names what
the file or object is and the way that works (its ONNX export, or the classifier object)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pytest
import xgboost as xgb
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from assay.errors import UsageError
from assay.models import load_model
from assay.models.trees import read_trees


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(300, 3)).astype(float)
    return x, (x[:, 0] + x[:, 1] > 4).astype(int)


def _save_xgboost(path: Path) -> None:
    xgb.XGBClassifier(n_estimators=3).fit(*_data()).save_model(path)


def _save_lightgbm(path: Path) -> None:
    lgb.LGBMClassifier(n_estimators=3, verbose=-1).fit(*_data()).booster_.save_model(path)


@pytest.mark.parametrize(
    ("name", "save", "named", "convert"),
    [
        ("model.json", _save_xgboost, "is an XGBoost model file", "convert_xgboost"),
        ("model.ubj", _save_xgboost, "is an XGBoost model file", "convert_xgboost"),
        ("model.txt", _save_lightgbm, "is a LightGBM model file", "convert_lightgbm"),
    ],
)
def test_booster_model_file_is_named_and_the_way_forward_given(
    tmp_path: Path, name: str, save: Any, named: str, convert: str
) -> None:
    """Such files were 'cannot tell what kind of model model.json is' with the general list."""
    path = tmp_path / name
    save(path)
    with pytest.raises(UsageError) as caught:
        load_model(str(path))
    message = str(caught.value)
    assert named in message
    assert f"onnxmltools.{convert}" in message


def test_other_unknown_files_keep_the_general_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("tree house\nversion control\n")
    with pytest.raises(UsageError, match="cannot tell what kind of model"):
        load_model(str(path))


def test_xgboost_booster_object_says_what_to_pass_instead() -> None:
    """A Booster's predict takes a DMatrix: it failed on the first batch with xgboost's
    'Expecting data to be a DMatrix object' from inside the run."""
    x, y = _data()
    booster = xgb.train({"objective": "binary:logistic"}, xgb.DMatrix(x, label=y), 3)
    with pytest.raises(UsageError, match="DMatrix objects, not on rows: pass the scikit-learn"):
        load_model(booster)


def test_lightgbm_booster_object_is_asked_like_a_classifier() -> None:
    """lightgbm.Booster.predict takes rows and answers class 1's probability: read as such."""
    x, y = _data()
    classifier = lgb.LGBMClassifier(n_estimators=5, verbose=-1).fit(x, y)
    model = load_model(classifier.booster_)
    answers = np.asarray(model.predict(x)).reshape(-1)
    assert np.array_equal((answers > 0.5).astype(int), classifier.predict(x))


def test_a_booster_in_a_pipeline_is_told_that_only_its_bare_export_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without onnxmltools (with it, exact21 reads the Pipeline: its booster converted in
    memory, the preprocessing composed in front of the trees)."""
    monkeypatch.setitem(sys.modules, "onnxmltools", None)  # the import fails
    x, y = _data()
    pipe = make_pipeline(StandardScaler(), xgb.XGBClassifier(n_estimators=3)).fit(x, y)
    reason = read_trees(load_model(pipe))
    assert isinstance(reason, str)
    assert "convert_xgboost" in reason and "fed straight from the graph's input" in reason
    assert "install onnxmltools" in reason
