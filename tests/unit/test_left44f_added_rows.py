"""left44f: a retrained model's added rows written beside it.  hostile43r left a user who
wants the fairer model fitted their way (all their rows, their own ``random_state``) with
no way to: the generated inputs and labels the kept rounds added were not exported.  They
are now written beside the retrained model as a CSV in the user's columns with the label
column named as theirs, and said (JSON ``mitigation.added_rows_file``, the report's note,
the terminal); a retraining that keeps no round writes none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register


def _data(biased: bool) -> tuple[pd.DataFrame, Pipeline]:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {"sex": rng.choice(["F", "M"], n), "income": rng.integers(10, 200, n) * 100}
    )
    score = frame["income"] / 20_000 + rng.normal(0, 0.1, n) + 0.4 * biased * (frame["sex"] == "M")
    frame["outcome"] = np.where(score > np.median(score), "good", "bad")
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), ["sex"])], remainder="passthrough"
    )
    model = Pipeline([("ct", front), ("dt", DecisionTreeClassifier(max_depth=5, random_state=0))])
    return frame, model.fit(frame[["sex", "income"]], frame["outcome"])


def _retrain(tmp_path: Path, biased: bool, bound: float) -> assay.FairnessResult:
    frame, model = _data(biased)
    return assay.check_fairness(
        model,
        frame,
        protected="sex",
        label="outcome",
        max_queries=600,
        seed=1,
        store=tmp_path / "s",
        retrain=True,
        retrain_dir=tmp_path / "m",
        max_accuracy_loss=bound,
    )


def test_the_added_rows_are_written_in_the_users_columns(tmp_path: Path) -> None:
    result = _retrain(tmp_path, biased=True, bound=100)
    mitigation = result.mitigation
    assert mitigation is not None and mitigation["kept"]
    path = Path(mitigation["added_rows_file"])
    assert path.parent == tmp_path / "m" and path.name == "retrained.added_rows.csv"
    rows = pd.read_csv(path)
    assert list(rows.columns) == ["sex", "income", "outcome"]
    assert len(rows) == mitigation["added_rows"] > 0
    assert set(rows["sex"]) <= {"F", "M"} and set(rows["outcome"]) <= {"good", "bad"}
    assert rows["income"].dtype.kind == "i"
    # each found input's variants, one per sex, are added together
    assert set(rows["sex"]) == {"F", "M"}
    (section,) = [s for s in result.summary["sections"] if "added_rows" in s.get("note", "")]
    assert str(path) in section["note"]


def test_the_terminal_says_where_the_rows_are(tmp_path: Path) -> None:
    frame, model = _data(biased=True)
    import skops.io

    skops.io.dump(model, tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    register()
    args = ["fairness", str(tmp_path / "m.skops"), "--data", str(tmp_path / "d.csv")]
    args += ["--protected", "sex", "--label", "outcome", "--max-queries", "600", "--seed", "1"]
    args += ["--store", str(tmp_path / "s.db"), "--retrain", "--max-accuracy-loss", "100"]
    ran = CliRunner().invoke(app, args)
    assert ran.exit_code == 1, ran.output
    said = [line for line in ran.output.splitlines() if "rows the retraining added" in line]
    assert said and said[0].endswith("retrained.added_rows.csv"), ran.output
    assert Path(said[0].rsplit(": ", 1)[1]).is_file()


def test_no_round_kept_writes_no_rows(tmp_path: Path) -> None:
    result = _retrain(tmp_path, biased=True, bound=0)
    mitigation = result.mitigation
    assert mitigation is not None and not mitigation["kept"]  # (every round cost accuracy)
    assert mitigation["added_rows_file"] is None
    assert not (tmp_path / "m").exists() or not list((tmp_path / "m").glob("*.csv"))
