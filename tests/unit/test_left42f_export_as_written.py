"""left42f: ``--export`` wrote its CSV with ``,`` and no byte-order mark whatever the data
file was: a file a spreadsheet set to a European locale saved (``;`` between cells, ``39,5``
for 39.5, a UTF-8 BOM for "CSV UTF-8") came back as one column per line there.  The CSV now
takes the data file's delimiter, BOM and decimal mark; a plain CSV's export is unchanged."""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.fairness.tables import read_table

register()

COLUMNS = ["âge", "sex", "hours"]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, pd.DataFrame, Path]:
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame(
        {
            "âge": rng.integers(18, 70, n),
            "sex": rng.choice(["Female", "Male"], n),
            "hours": rng.integers(20, 120, n) / 2,  # 39.5: written 39,5
        }
    )
    df["approved"] = np.where((df["hours"] > 38) | (df["sex"] == "Male"), "oui", "non")
    columns = ColumnTransformer([("oh", OneHotEncoder(), ["sex"])], remainder="passthrough")
    pipe = Pipeline([("ct", columns), ("tree", DecisionTreeClassifier(random_state=0))])
    pipe.fit(df[COLUMNS], df["approved"])
    return pipe, df, tmp_path_factory.mktemp("written")


def _run(made: tuple[object, pd.DataFrame, Path], data: Path, out: Path) -> None:
    pipe, _, where = made
    r = assay.check_fairness(
        pipe,
        data=str(data),
        label="approved",
        protected="sex",
        max_queries=2000,
        seed=1,
        store=where / f"{data.stem}.db",
    )
    assert r.n_findings > 0
    r.export(out)


def test_a_european_spreadsheets_csv_is_exported_as_it_was_written(
    made: tuple[object, pd.DataFrame, Path],
) -> None:
    _, df, where = made
    data = where / "people_eu.csv"
    df.to_csv(data, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    out = where / "idis_eu.csv"
    _run(made, data, out)
    raw = out.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)  # main: b'idi,' first
    header = raw[len(codecs.BOM_UTF8) :].decode().splitlines()[0]
    assert [c for c in header.split(";") if c in COLUMNS] == COLUMNS
    assert "," not in header
    assert any(",5;" in line for line in raw.decode("utf-8-sig").splitlines()[1:])
    # read back as the data was: the same columns, the numbers as numbers
    back = read_table(out)
    assert [c for c in back.columns if c in COLUMNS] == COLUMNS
    assert back["hours"].dtype == np.float64
    assert set(back["sex"]) == {"Female", "Male"}
    again = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig")
    assert np.array_equal(again["hours"].to_numpy(), back["hours"].to_numpy())


def test_a_plain_csvs_export_is_as_before(made: tuple[object, pd.DataFrame, Path]) -> None:
    _, df, where = made
    data = where / "people.csv"
    df.to_csv(data, index=False)
    out = where / "idis.csv"
    _run(made, data, out)
    raw = out.read_bytes()
    assert raw.startswith(b"idi,")
    assert pd.read_csv(out)["hours"].dtype == np.float64


def test_the_command_lines_export_follows_the_data_too(
    made: tuple[object, pd.DataFrame, Path],
) -> None:
    import skops.io

    pipe, df, where = made
    model = where / "pipe.skops"
    skops.io.dump(pipe, model)
    data = where / "cli_eu.csv"
    df.to_csv(data, sep=";", decimal=",", index=False, encoding="utf-8-sig")
    out = where / "cli_idis.csv"
    args = ["fairness", str(model), "--data", str(data), "--label", "approved"]
    args += ["--protected", "sex", "--max-queries", "2000", "--seed", "1"]
    args += ["--store", str(where / "cli.db"), "--export", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    assert out.read_bytes().startswith(codecs.BOM_UTF8 + b"idi;")
