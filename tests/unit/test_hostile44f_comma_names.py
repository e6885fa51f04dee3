"""hostile44f: a column named with a comma (``Geschlecht (m,w)``, a German bank's export)
could not be protected at all: ``--protected`` is given once, a comma-separated list, and
``--protected 'Geschlecht (m,w)'`` read "protected attribute 'Geschlecht (m' is not a column;
columns are: Geschlecht (m,w), ..." (exit 2; the API's string the same).  Parts that name a
column together are now that one column, on the command line, in the API, in the stored
command a verify or a resume reruns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.cli.app import main
from assay.fairness.bins import parse_protected

SEX = "Geschlecht (m,w)"


def _files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            SEX: rng.choice(["m", "w"], n),
            "race,code": rng.choice(["A", "B"], n),
            "income": rng.integers(0, 50, n),
        }
    )
    score = frame["income"] + 15 * (frame[SEX] == "m") + rng.normal(0, 5, n)
    frame["label"] = np.where(score > np.median(score), "good", "bad")
    front = ColumnTransformer(
        [("oh", OneHotEncoder(handle_unknown="ignore"), [SEX, "race,code"])],
        remainder="passthrough",
    )
    model = Pipeline([("ct", front), ("dt", DecisionTreeClassifier(max_depth=4, random_state=0))])
    model.fit(frame.drop(columns="label"), frame["label"])
    sio.dump(model, tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path / "m.skops", tmp_path / "d.csv"


def test_a_protected_column_whose_name_holds_a_comma_is_tested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model, data = _files(tmp_path)
    store = tmp_path / "s"
    argv = ["fairness", str(model), "--data", str(data), "--label", "label", "--protected", SEX]
    with pytest.raises(SystemExit) as ended:
        main([*argv, "--max-queries", "600", "--seed", "1", "--store", str(store), "--quiet"])
    err = capsys.readouterr().err
    assert ended.value.code == 1, err
    run = assay.RunStore(store).list_runs()[0]
    assert run.config["protected"] == [SEX] and run.n_findings > 0
    replayed = assay.verify_run(run.id, store=store)
    assert replayed.total == replayed.still_failing == run.n_findings


def test_the_api_string_names_comma_columns_beside_others(tmp_path: Path) -> None:
    _, data = _files(tmp_path)
    frame = pd.read_csv(data)
    path = tmp_path / "m.skops"
    model = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    result = assay.check_fairness(
        model,
        frame,
        protected=f"{SEX},race,code",
        label="label",
        max_queries=600,
        seed=1,
        store=tmp_path / "s",
    )
    assert [v["attribute"] for v in result.summary["verdict"]] == [SEX, "race,code"]
    assert result.summary["verdict"][0]["level"] == "found"
    assert parse_protected(f"{SEX}, race,code", frame.columns)[0] == (SEX, "race,code")
    assert parse_protected("sex,race")[0] == ("sex", "race")  # no columns known: split


def test_a_junit_suite_quotes_a_name_holding_a_comma() -> None:
    from assay.report.junit_subject import suite_name

    def named(protected: list[str]) -> str:
        run = {"technique": "fairness", "model": {"spec": "m.skops"}}
        return suite_name({**run, "config": {"protected": protected}})

    assert named([SEX, "race"]) == "assay.fairness [m.skops; protected 'Geschlecht (m,w)', race]"
    assert (
        named(["sex", "age:bins=30,50"])
        == "assay.fairness [m.skops; protected sex, age:bins=30,50]"
    )
