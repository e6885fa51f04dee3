"""hostile44f: a bank's data kept as Feather (Arrow IPC: pandas' ``to_feather``, polars'
``write_ipc``) was refused, "unknown data file type; expected a name ending in one of: .csv,
..., .parquet, .pq, .jsonl, ..." (exit 2), though pyarrow reads it as it reads Parquet.  It
is read now, its categories kept as a Parquet file's are, bounded and refused alike."""

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

from assay.cli.app import main
from assay.fairness.tables import read_table


def _files(tmp_path: Path, reads_sex: bool) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "sex": pd.Categorical(rng.choice(["F", "M"], n), categories=["M", "F"]),
            "income": rng.integers(0, 50, n),
        }
    )
    score = frame["income"] + 15 * (frame["sex"] == "M") + rng.normal(0, 5, n)
    frame["label"] = np.where(score > np.median(score), "good", "bad")
    sex = OneHotEncoder(handle_unknown="ignore") if reads_sex else "drop"
    front = ColumnTransformer([("sex", sex, ["sex"])], remainder="passthrough")
    model = Pipeline([("ct", front), ("dt", DecisionTreeClassifier(max_depth=4, random_state=0))])
    model.fit(frame.drop(columns="label"), frame["label"])
    sio.dump(model, tmp_path / "m.skops")
    frame.to_feather(tmp_path / "d.feather")
    return tmp_path / "m.skops", tmp_path / "d.feather"


@pytest.mark.parametrize(("reads_sex", "code"), [(True, 1), (False, 0)])
def test_a_feather_file_is_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], reads_sex: bool, code: int
) -> None:
    model, data = _files(tmp_path, reads_sex)
    assert list(read_table(data)["sex"].cat.categories) == ["M", "F"]
    argv = ["fairness", str(model), "--data", str(data), "--protected", "sex", "--label", "label"]
    with pytest.raises(SystemExit) as ended:
        main([*argv, "--max-queries", "600", "--seed", "1", "--store", str(tmp_path / "s")])
    out = capsys.readouterr()
    assert ended.value.code == code, out.err
    assert ("found;" in out.out) is reads_sex


def test_a_broken_feather_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model, data = _files(tmp_path, True)
    data.write_bytes(b"ARROW1\x00\x00not a table")
    with pytest.raises(SystemExit) as ended:
        main(["fairness", str(model), "--data", str(data), "--protected", "sex", "--quiet"])
    err = capsys.readouterr().err
    assert ended.value.code == 2
    assert "d.feather" in err and "cannot read as Feather" in err and "Traceback" not in err
