"""left44f: a column whose name holds a comma, tested by bins.  hostile44f read
``--protected 'Geschlecht (m,w),race'`` against the data's columns; with bins,
``--protected 'Alter (J,M):bins=30,50'`` was still refused on the command line ("protected
attribute 'M)' is not a column"), and a run stored with such a spec could not be verified
or resumed (its stored spec, a list item, was split at the name's comma too)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.fairness.bins import parse_protected

AGE = "Alter (J,M)"


@pytest.mark.parametrize(
    "given",
    [f"{AGE}:bins=30,50,sex", f"sex,{AGE}:bins=30,50", [f"{AGE}:bins=30,50", "sex"]],
)
def test_a_comma_name_with_bins_is_one_attribute(given: str | list[str]) -> None:
    names, bins = parse_protected(given, [AGE, "sex", "income"])
    assert sorted(names) == sorted([AGE, "sex"])
    assert bins[AGE].edges == (30.0, 50.0)


def test_the_command_line_tests_and_verifies_it(tmp_path: Path) -> None:
    skops = pytest.importorskip("skops.io")
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {AGE: rng.integers(18, 80, n), "sex": rng.choice(["F", "M"], n)}
        | {"income": rng.integers(10, 200, n)}
    )
    score = frame["income"] / 200 + 0.4 * (frame[AGE] > 50) + rng.normal(0, 0.1, n)
    frame["label"] = np.where(score > np.median(score), "good", "bad")
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), ["sex"])], remainder="passthrough"
    )
    model = Pipeline([("ct", front), ("dt", DecisionTreeClassifier(max_depth=5, random_state=0))])
    skops.dump(model.fit(frame.drop(columns="label"), frame["label"]), tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    store = str(tmp_path / "s.db")
    register()
    runner = CliRunner()
    args = ["fairness", str(tmp_path / "m.skops"), "--data", str(tmp_path / "d.csv")]
    args += ["--protected", f"{AGE}:bins=30,50", "--label", "label"]
    args += ["--max-queries", "800", "--seed", "1", "--store", store, "--json"]
    ran = runner.invoke(app, args)
    assert ran.exit_code == 1, ran.output
    run_id = ran.output.split('"run_id": "', 1)[1].split('"', 1)[0]
    checked = runner.invoke(app, ["verify", run_id, "--store", store])
    assert checked.exit_code == 1, checked.output
    assert "stored findings still fail against the run's model; 0 no longer do" in checked.output
