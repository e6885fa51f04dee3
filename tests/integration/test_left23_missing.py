"""Data with empty values (``--missing``): refused by default with the way out named, or set
aside with ``--missing drop``, counted and said; messages about a kept row still name its
own line of the file (or its index label in a DataFrame)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ci22_in_process import Done, assay_here

import assay
from assay.core.store import RunStore
from assay.errors import UsageError
from assay.fairness.loading import setup_fairness, setup_from_record
from assay.fairness.schema import Schema


def _biased(frame: pd.DataFrame) -> np.ndarray:
    """Discriminates on sex above 40; reads hours (and would fail on an empty one)."""
    hours = frame["hours"].to_numpy(dtype=float)
    assert not np.isnan(hours).any(), "an empty value reached the model"
    return ((frame["age"].to_numpy() > 40) & (frame["sex"].to_numpy() == "M")).astype(int)


def _data(n: int = 400, empty: int = 37, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "hours": rng.integers(1, 80, n).astype(float),
            "sex": rng.choice(["F", "M"], n),
        }
    )
    frame.loc[rng.choice(n, empty, replace=False), "hours"] = np.nan
    return frame


def _model_file(tmp_path: Path) -> Path:
    from sklearn.tree import DecisionTreeClassifier

    data = _data(2000, 0, seed=1)
    codes = data.assign(sex=(data["sex"] == "M").astype(int))
    labels = ((codes["age"] > 40) & (codes["sex"] == 1)).astype(int)
    import skops.io as sio

    path = tmp_path / "tree.skops"
    sio.dump(DecisionTreeClassifier(random_state=0).fit(codes, labels), path)
    return path


def _fairness(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> Done:
    """``assay fairness`` of the tree on ``d.csv`` for sex, with ``extra`` options."""
    data = ["--data", str(tmp_path / "d.csv"), "--protected", "sex"]
    store = ["--store", str(tmp_path / "runs.db")]
    return assay_here(capsys, "fairness", str(_model_file(tmp_path)), *data, *extra, *store)


def test_a_file_with_empty_values_is_refused_naming_the_way_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _data()
    data.assign(sex=(data["sex"] == "M").astype(int)).to_csv(tmp_path / "d.csv", index=False)
    first = int(np.flatnonzero(data["hours"].isna())[0])
    done = _fairness(tmp_path, capsys, "--max-queries", "2000")
    assert done.returncode == 2, done
    assert f"d.csv:{first + 2}: row {first + 1}, column 'hours'" in done.stderr, done.stderr
    assert "(37 rows are)" in done.stderr and "--missing drop" in done.stderr, done.stderr


def test_missing_drop_sets_the_rows_aside_and_says_so_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _data()
    data.assign(sex=(data["sex"] == "M").astype(int)).to_csv(tmp_path / "d.csv", index=False)
    done = _fairness(
        tmp_path,
        capsys,
        "--missing",
        "drop",
        "--max-queries",
        "4000",
        "--seed",
        "3",
        "--report",
        str(tmp_path / "r.json"),
    )
    assert done.returncode == 1, done  # the tree discriminates: found
    said = "Set aside 37 of the data's 400 rows with an empty value"
    assert said.lower() in done.stderr.lower(), done.stderr
    assert "hours: 37" in done.stderr
    assert "--missing drop" in done.stdout  # the command to reproduce keeps it
    document = json.loads((tmp_path / "r.json").read_text())
    notes = document["run"]["summary"]["notes"]
    assert any(said in w for w in notes), notes
    # the run's stored configuration rebuilds the same setup (resume, verify, report)
    store = RunStore(tmp_path / "runs.db")
    record = store.get_run(store.list_runs()[0].id)
    assert record.config["invocation"]["missing"] == "drop"
    shown = assay_here(capsys, "show", record.id, "--store", str(tmp_path / "runs.db"))
    assert said.lower() in shown.stdout.lower(), shown  # 'assay show' said none of the notes
    again = setup_from_record(record)
    assert again.incomplete is not None and again.incomplete.rows == 37
    assert again.test.context_rows is None or len(again.test.context_rows) <= 363


def test_a_message_about_a_kept_row_names_its_own_line(tmp_path: Path) -> None:
    """After rows were set aside, an error about a later row names the file's line of that
    row, not its place among the kept ones."""
    lines = ["age,hours,sex", "30,,F", "41,10,M", "52,,F", "63,20,X", "33,5,M"]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n")
    schema = {
        "features": [
            {"name": "age", "type": "integer", "low": 18, "high": 90},
            {"name": "hours", "type": "integer", "low": 1, "high": 99},
            {"name": "sex", "type": "categorical", "categories": ["F", "M"]},
        ],
        "protected": ["sex"],
    }
    (tmp_path / "s.json").write_text(json.dumps(schema))
    with pytest.raises(UsageError) as exc:
        setup_fairness(
            lambda x: np.zeros(len(x), dtype=int),
            data=str(tmp_path / "d.csv"),
            schema=str(tmp_path / "s.json"),
            protected="sex",
            missing="drop",
        )
    # line 5 (row 4): lines 2 and 4 were set aside; the kept rows' second is the file's fourth
    assert exc.value.line == 5 and "row 4, column 'sex'" in str(exc.value), str(exc.value)


def test_a_dataframe_keeps_its_index_labels_in_messages() -> None:
    frame = pd.DataFrame(
        {"age": [30, 41, 52, 63], "hours": [1.0, np.nan, 3.0, 4.0], "sex": ["F", "M", "F", "X"]},
        index=["a", "b", "c", "d"],
    )
    schema = Schema.from_json(
        {
            "features": [
                {"name": "age", "kind": "integer", "low": 18, "high": 90},
                {"name": "hours", "kind": "continuous", "low": 0, "high": 99},
                {"name": "sex", "kind": "categorical", "categories": ["F", "M"]},
            ],
            "protected": ["sex"],
        }
    )
    with pytest.raises(UsageError) as exc:
        setup_fairness(
            lambda x: np.zeros(len(x), dtype=int),
            data=frame,
            schema=schema,
            protected="sex",
            missing="drop",
        )
    assert "row 4 (index 'd'), column 'sex'" in str(exc.value), str(exc.value)


def test_the_api_drops_a_dataframes_incomplete_rows_and_never_asks_an_empty_value(
    tmp_path: Path,
) -> None:
    data = _data()
    with pytest.raises(UsageError, match='missing="drop"'):
        assay.check_fairness(
            _biased, data=data, protected="sex", max_queries=500, store=tmp_path / "a.db"
        )
    result = assay.check_fairness(
        _biased,
        data=data,
        protected="sex",
        missing="drop",
        max_queries=3000,
        seed=2,
        store=tmp_path / "a.db",
    )
    assert result.n_findings > 0  # _biased asserts no empty value reached it
    assert any("Set aside 37 of the data's 400 rows" in w for w in result.notes)


@pytest.mark.parametrize(
    ("options", "where"),
    [
        ({"missing": "maybe"}, "missing"),
        ({"missing": "drop", "dataset": "adult"}, "missing"),
    ],
)
def test_bad_uses_of_missing_are_refused(options: dict[str, str], where: str) -> None:
    with pytest.raises(UsageError) as exc:
        setup_fairness(lambda x: np.zeros(len(x), dtype=int), protected="sex", **options)
    assert exc.value.argument == "--missing", exc.value


def test_every_row_empty_somewhere_is_refused_naming_the_columns() -> None:
    frame = pd.DataFrame(
        {"age": [30, np.nan], "hours": [np.nan, 2.0], "sex": ["F", "M"], "note": [None, None]}
    )
    with pytest.raises(UsageError) as exc:
        setup_fairness(
            lambda x: np.zeros(len(x), dtype=int), data=frame, protected="sex", missing="drop"
        )
    assert "every row" in str(exc.value) and "age: 1" in str(exc.value), str(exc.value)
    assert "note" not in str(exc.value)  # a column with no value is the schema's to name


def test_rows_set_aside_that_held_a_protected_value_are_named_in_the_refusal() -> None:
    """Every row of one sex had an empty hours: the refusal ("takes a single value") did not
    say that --missing drop had set them aside."""
    frame = _data(empty=0)
    frame.loc[frame["sex"] == "M", "hours"] = np.nan
    with pytest.raises(UsageError) as exc:
        setup_fairness(
            lambda x: np.zeros(len(x), dtype=int), data=frame, protected="sex", missing="drop"
        )
    said = str(exc.value)
    assert "takes a single value" in said and "--missing drop set aside" in said, said
    assert "--drop the column that empties them: hours" in said, said
