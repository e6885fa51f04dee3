"""``assay fairness --export FILE`` / ``result.export(path)``: every stored IDI in the user's
own columns and values (strings, not codes), readable by pandas from CSV, JSON lines and one
JSON document; a bad name refused before any run; a witness cap said, never a silent
shortfall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore

register()

COLUMNS = ["age", "sex", "job, title", "hours"]  # a comma inside a column name


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "sex": rng.choice(["Female", "Male"], n),
            "job, title": rng.choice(['clerk, "senior"', "nurse", "ingénieur"], n),
            "hours": rng.integers(10, 60, n),
        }
    )
    df["approved"] = np.where((df["hours"] > 38) | (df["sex"] == "Male"), "yes", "no")
    columns = ColumnTransformer(
        [("oh", OneHotEncoder(), ["sex", "job, title"])], remainder="passthrough"
    )
    pipe = Pipeline([("ct", columns), ("tree", DecisionTreeClassifier(random_state=0))])
    pipe.fit(df[COLUMNS], df["approved"])
    where = tmp_path_factory.mktemp("export")
    df.to_csv(where / "people.csv", index=False)
    skops.io.dump(pipe, where / "pipe.skops")
    return where / "pipe.skops", where / "people.csv"


def _read(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path)
    return pd.read_json(path, lines=path.suffix == ".jsonl")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".json"])
def test_every_stored_idi_in_the_users_columns_and_values(
    files: tuple[Path, Path], tmp_path: Path, suffix: str
) -> None:
    model, data = files
    r = assay.check_fairness(
        str(model),
        data=str(data),
        label="approved",
        protected="sex",
        max_queries=3000,
        seed=1,
        store=tmp_path / "runs.db",
    )
    assert r.n_findings > 0
    back = _read(r.export(tmp_path / f"idis{suffix}"))
    assert back["idi"].nunique() == r.n_findings
    assert len(back) == len(r.findings(limit=None))
    assert [c for c in back.columns if c in COLUMNS] == COLUMNS
    assert set(back["sex"]) == {"Female", "Male"}
    assert set(back["job, title"]) <= {'clerk, "senior"', "nurse", "ingénieur"}
    assert set(back["prediction"]) <= {"yes", "no"}
    # each IDI: its variants differ in sex only, and their answers differ
    for _, rows in back.groupby("idi"):
        assert rows["sex"].nunique() == len(rows)
        assert rows[["age", "job, title", "hours"]].nunique().max() == 1
        assert rows["prediction"].nunique() > 1


def test_the_command_line_refuses_a_bad_name_before_a_run_and_says_a_cap(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    model, data = files
    store = tmp_path / "runs.db"
    options = ["--label", "approved", "--protected", "sex", "--max-queries", "3000"]
    base = ["fairness", str(model), "--data", str(data), *options, "--store", str(store)]
    base += ["--seed", "1"]
    bad = CliRunner().invoke(app, [*base, "--export", str(tmp_path / "idis.xlsx")])
    assert bad.exit_code == 2 and "--export" in bad.output
    assert not store.exists() or RunStore(store).list_runs() == []
    capped = CliRunner().invoke(
        app, [*base, "--export", str(tmp_path / "idis.csv"), "--keep-findings", "10"]
    )
    assert capped.exit_code == 1, capped.output
    assert "the store kept of the" in capped.output
    assert pd.read_csv(tmp_path / "idis.csv")["idi"].nunique() < 100


def test_json_output_names_the_files_written_to_act_on(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """``--json``: stdout carries the result alone, so the export and the retrained model
    must be named in it (the printed lines go to stderr)."""
    import json

    model, data = files
    args = ["fairness", str(model), "--data", str(data), "--label", "approved"]
    args += ["--protected", "sex", "--max-queries", "3000", "--seed", "1", "--retrain"]
    args += ["--max-accuracy-loss", "100"]  # a round kept whatever it costs: a model to name
    args += ["--store", str(tmp_path / "runs.db"), "--json", "--export", str(tmp_path / "i.csv")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    exports = json.loads(result.stdout)["exports"]
    assert exports["export"]["path"] == str(tmp_path / "i.csv")
    assert exports["export"]["idis"] == pd.read_csv(tmp_path / "i.csv")["idi"].nunique()
    assert any(p.endswith("retrained.skops") and Path(p).is_file() for p in exports["retrained"])


def test_an_interrupted_runs_export_is_written_again_by_its_resume_line(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """The export of an interrupted run holds the IDIs found so far and says so; the resume
    line it prints repeats ``--export``, and ``assay resume --export`` writes every IDI."""
    import re

    _, data = files
    model = tmp_path / "stops.py"
    model.write_text(
        "import os, signal\n"
        "import numpy as np\n"
        "calls = [0]\n"
        "def predict(X):\n"
        "    calls[0] += 1\n"
        "    if calls[0] == 6:\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "    X = np.asarray(X, dtype=object)\n"
        "    return ((X[:, 3].astype(float) > 38) | (X[:, 1] == 'Male')).astype(int)\n"
        "predict.classes_ = ['no', 'yes']\n",
        encoding="utf-8",
    )
    path = tmp_path / "i.csv"
    args = ["fairness", f"{model}:predict", "--data", str(data), "--drop", "approved"]
    args += ["--protected", "sex", "--max-queries", "20000", "--seed", "1", "--no-overlap"]
    first = CliRunner().invoke(
        app, [*args, "--store", str(tmp_path / "r.db"), "--export", str(path)]
    )
    assert first.exit_code == 130, first.output
    assert "so far" in first.output
    line = re.search(r"continue with: (assay resume .*)", first.output)
    assert line is not None and f"--export {path}" in line.group(1)
    before = pd.read_csv(path)["idi"].nunique()
    again = CliRunner().invoke(app, line.group(1).split()[1:])
    assert again.exit_code == 1, again.output
    assert pd.read_csv(path)["idi"].nunique() > before
