"""hostile41f: LightGBM writes a space in a feature name as ``_`` (``monthly income`` is
``monthly_income`` in its ``feature_names_in_``) and answers the user's own frame; assay
compared the names one for one and refused the data the model was fitted on ("which is which
is unknown"), on the command line and in Python.  Other models' names are still compared as
they are (a scikit-learn estimator refuses a frame whose names are not its own)."""

from __future__ import annotations

from pathlib import Path

import joblib
import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import assay
from assay.cli.app import main
from assay.errors import UsageError


def _people() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 400
    data = pd.DataFrame(
        {
            "Geschlecht M/F": rng.choice(["F", "M"], n),
            "région": rng.choice(["Nord", "Süd"], n),
            "monthly income": rng.normal(3000, 800, n).round(1),
        }
    )
    score = data["monthly income"] / 1000 + 1.5 * (data["Geschlecht M/F"] == "M")
    y = np.where(score > score.median(), "approved", "denied")
    return data, y


def test_a_lightgbm_model_fitted_on_names_with_spaces_is_tested_in_the_users_names(
    tmp_path: Path,
) -> None:
    data, y = _people()
    frame = data.astype({"Geschlecht M/F": "category", "région": "category"})
    model = lgb.LGBMClassifier(n_estimators=10, verbose=-1).fit(frame, y)
    assert "monthly_income" in list(model.feature_names_in_)  # LightGBM's own rewrite
    result = assay.check_fairness(
        model, frame, protected="Geschlecht M/F", max_queries=600, seed=1, store=tmp_path / "s"
    )
    found = result.findings()
    assert len(found) > 0
    assert {"Geschlecht M/F", "région", "monthly income"} <= set(found.columns)
    assert str(found["Geschlecht M/F"].dtype) == "category"
    # the findings' rows are answered as the model answers the user's own frame
    rows = found[["Geschlecht M/F", "région", "monthly income"]]
    assert list(model.predict(rows)) == list(found["prediction"])


def test_a_lightgbm_model_file_with_spaces_in_its_names_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, y = _people()
    numbers = data.assign(
        **{"Geschlecht M/F": (data["Geschlecht M/F"] == "M").astype(int)},
        région=(data["région"] == "Nord").astype(int),
    )
    joblib.dump(
        lgb.LGBMClassifier(n_estimators=10, verbose=-1).fit(numbers, y), tmp_path / "m.joblib"
    )
    numbers.assign(outcome=y).to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(SystemExit) as ended:
        main(
            [
                "fairness",
                str(tmp_path / "m.joblib"),
                "--allow-pickle",
                "--data",
                str(tmp_path / "d.csv"),
                "--label",
                "outcome",
                "--protected",
                "Geschlecht M/F",
                "--max-queries",
                "600",
                "--seed",
                "1",
                "--store",
                str(tmp_path / "s"),
                "--quiet",
            ]
        )
    err = capsys.readouterr().err
    assert ended.value.code == 1, err
    assert "which is which" not in err


def test_a_scikit_learn_model_whose_names_differ_by_an_underscore_is_still_refused(
    tmp_path: Path,
) -> None:
    data, y = _people()
    numbers = data.drop(columns="région").assign(
        **{"Geschlecht M/F": (data["Geschlecht M/F"] == "M").astype(int)}
    )
    fitted = numbers.rename(columns=lambda c: c.replace(" ", "_"))
    model = LogisticRegression().fit(fitted, y)
    with pytest.raises(UsageError, match="which is which is unknown"):
        assay.check_fairness(
            model, numbers, protected="Geschlecht M/F", max_queries=200, store=tmp_path / "s"
        )
