"""Reading data and schema files, inferring schemas, checking data against a schema."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.errors import UsageError
from assay.fairness.schema import Feature, Schema
from assay.fairness.tabular_io import (
    check_data,
    check_model_width,
    infer_schema,
    load_schema,
    read_table,
)

CSV = "age,sex,hours,label\n39,Male,40.5,0\n50,Female,13,1\n38,Male,40,0\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- read_table ---------------------------------------------------------------------------------
def test_read_csv_types_and_values(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "d.csv", CSV))
    assert list(frame.columns) == ["age", "sex", "hours", "label"]
    assert frame["age"].tolist() == [39, 50, 38]
    assert frame["sex"].tolist() == ["Male", "Female", "Male"]
    assert pd.api.types.is_integer_dtype(frame["age"])


@pytest.mark.parametrize("delim", [";", "\t", "|"])
def test_read_csv_sniffs_delimiter(tmp_path: Path, delim: str) -> None:
    frame = read_table(write(tmp_path / "d.csv", CSV.replace(",", delim)))
    assert frame.shape == (3, 4)
    assert frame["hours"].tolist() == [40.5, 13.0, 40.0]


def test_read_csv_with_spaces_after_commas_and_quotes(tmp_path: Path) -> None:
    text = 'name, city\n"Smith, J", Paris\n"Doe, A", Rome\n'
    frame = read_table(write(tmp_path / "d.csv", text))
    assert frame["name"].tolist() == ["Smith, J", "Doe, A"]
    assert frame["city"].tolist() == ["Paris", "Rome"]


def test_read_gzip_csv_tsv_and_latin1(tmp_path: Path) -> None:
    p = tmp_path / "d.csv.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(CSV)
    assert read_table(p).shape == (3, 4)
    t = write(tmp_path / "d.tsv", "a\tb\n1\tx,y\n")
    assert read_table(t)["b"].tolist() == ["x,y"]
    lat = tmp_path / "l.csv"
    lat.write_bytes("city,n\nMünchen,1\n".encode("latin-1"))
    assert read_table(lat, encoding="latin-1")["city"].tolist() == ["München"]


def test_read_parquet_and_jsonl(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    frame.to_parquet(tmp_path / "d.parquet")
    back = read_table(tmp_path / "d.parquet")
    assert back["a"].tolist() == [1, 2]
    lines = "\n".join(json.dumps(r) for r in frame.to_dict("records")) + "\n"
    assert read_table(write(tmp_path / "d.jsonl", lines))["b"].tolist() == ["x", "y"]


def test_parquet_without_pyarrow_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "d.parquet"
    p.write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(UsageError, match="pyarrow") as err:
        read_table(p)
    assert err.value.path == str(p)


@pytest.mark.parametrize(
    ("name", "content", "pattern"),
    [
        ("empty.csv", "", "empty"),
        ("blank.csv", "\n  \n", "empty"),
        ("header.csv", "a,b,c\n", "no data rows"),
        ("dup.csv", "a,b,a\n1,2,3\n", "appears twice"),
        ("data.xlsx", "a\n1\n", "unknown data file type"),
        ("empty.jsonl", "", "empty"),
    ],
)
def test_read_table_refuses(tmp_path: Path, name: str, content: str, pattern: str) -> None:
    p = write(tmp_path / name, content)
    with pytest.raises(UsageError, match=pattern) as err:
        read_table(p)
    assert err.value.path == str(p)
    assert str(p) in str(err.value)


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_a_header_longer_than_the_sniffed_head_is_read_whole(tmp_path: Path, suffix: str) -> None:
    """12,000 columns (a 131 KB header) were refused: 'column gene_6 appears twice in the
    header' (the header was checked within the file's first 64 KB, its last name cut short)."""
    names = [f"gene_{i}" for i in range(12_000)] + ["sex"]
    text = ",".join(names) + "\n" + ",".join(["1"] * len(names)) + "\n"
    p = tmp_path / f"wide{suffix}"
    p.write_bytes(gzip.compress(text.encode()) if suffix.endswith(".gz") else text.encode())
    frame = read_table(p)
    assert list(frame.columns) == names
    twice = tmp_path / "twice.csv"
    write(twice, ",".join([*names, "gene_11999"]) + "\n" + ",".join(["1"] * 12_002) + "\n")
    with pytest.raises(UsageError, match="'gene_11999' appears twice"):
        read_table(twice)


def test_a_header_line_too_long_to_be_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.fairness import tables

    monkeypatch.setattr(tables, "MAX_HEADER_BYTES", 100_000)  # a 1 GB line, in small
    p = write(tmp_path / "huge.csv", ",".join(f"c{i}" for i in range(20_000)) + "\n1\n")
    with pytest.raises(UsageError, match="header line is longer than") as err:
        read_table(p)
    assert err.value.line == 1


def test_category_names_pandas_reads_as_missing_are_kept(tmp_path: Path) -> None:
    """'None' (no disability) and 'NA' (North America) are category names: they were read as
    missing values and the file refused ('row 1, column disability: the value is empty').
    In a column of numbers they are still missing values."""
    p = write(
        tmp_path / "d.csv",
        "age,disability,region,score\n30,None,NA,1.5\n40,Visual,EU,NA\n50,None,APAC,2\n",
    )
    frame = read_table(p)
    assert frame["disability"].astype(str).tolist() == ["None", "Visual", "None"]
    assert frame["region"].astype(str).tolist() == ["NA", "EU", "APAC"]
    assert frame["score"].dtype.kind == "f"
    assert frame["score"].isna().tolist() == [False, True, False]
    assert frame["age"].tolist() == [30, 40, 50]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(UsageError, match="directory"):
        read_table(tmp_path / "dir.csv")


def test_corrupt_gzip_and_parquet(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv.gz"
    p.write_bytes(b"not gzip at all")
    with pytest.raises(UsageError, match="cannot read") as err:
        read_table(p)
    assert err.value.path == str(p)
    pytest.importorskip("pyarrow")
    q = tmp_path / "bad.parquet"
    q.write_bytes(b"not parquet")
    with pytest.raises(UsageError, match="Parquet"):
        read_table(q)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a,b,c\n1,2,3\n4,5,6,7\n8,9,10\n", 3),  # too many fields
        ("a,b,c\n1,2,3\n\n4,5\n8,9,10\n", 4),  # too few (pandas would pad), after a blank line
    ],
)
def test_ragged_row_names_the_line(tmp_path: Path, text: str, line: int) -> None:
    p = write(tmp_path / "r.csv", text)
    with pytest.raises(UsageError, match="fields") as err:
        read_table(p)
    assert (err.value.path, err.value.line) == (str(p), line)
    assert f"{p}:{line}" in str(err.value)


def test_missing_value_is_not_a_ragged_row(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "m.csv", "a,b,c\n1,2,\n4,5,6\n"))
    assert frame.shape == (2, 3)
    assert np.isnan(frame["c"].iloc[0])


def test_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    p = write(tmp_path / "d.jsonl", '{"a": 1}\n{"a": 2,}\n')
    with pytest.raises(UsageError, match="not valid JSON") as err:
        read_table(p)
    assert err.value.line == 2
    q = write(tmp_path / "k.jsonl", '{"a": 1}\n\n{"b": 2}\n')
    with pytest.raises(UsageError, match="keys differ") as err:
        read_table(q)
    assert err.value.line == 3


# -- infer_schema -------------------------------------------------------------------------------
def test_infer_schema_kinds_and_bounds() -> None:
    frame = pd.DataFrame(
        {
            "age": [30, 17, 90],
            "grade": [1.0, 2.0, 3.0],
            "hours": [40.5, 0.0, 99.5],
            "sex": ["Male", "Female", "Male"],
            "ok": [True, False, True],
            "zone": [3, 1, 3],
            "y": [0, 1, 0],
        }
    )
    schema = infer_schema(frame, protected=["sex"], categorical=["zone"], target="y")
    assert schema.names == ["age", "grade", "hours", "sex", "ok", "zone"]
    kinds = {f.name: (f.kind, f.low, f.high, f.categories) for f in schema.features}
    assert kinds["age"] == ("integer", 17, 90, None)
    assert kinds["grade"] == ("integer", 1, 3, None)
    assert kinds["hours"] == ("continuous", 0.0, 99.5, None)
    assert kinds["sex"][3] == ("Female", "Male")
    assert kinds["ok"][3] == (False, True)
    assert kinds["zone"][3] == (1, 3)
    assert schema.protected == ("sex",)
    encoded = check_data(schema, frame, ignore=["y"])
    assert encoded[:, schema.index("sex")].tolist() == [1, 0, 1]
    assert encoded[:, schema.index("zone")].tolist() == [1, 0, 1]


def test_infer_schema_is_order_independent() -> None:
    a = pd.DataFrame({"c": ["b", "a", "c"]})
    b = pd.DataFrame({"c": ["c", "b", "a"]})
    assert infer_schema(a) == infer_schema(b)


def test_infer_schema_refusals() -> None:
    frame = pd.DataFrame({"age": [1, 2], "name": ["x", "y"], "w": [0.5, 1.5]})
    with pytest.raises(UsageError, match="'gender' is not a column; columns are: age") as err:
        infer_schema(frame, protected=["gender"])
    assert err.value.argument == "--protected"
    with pytest.raises(UsageError, match="fractional") as err:
        infer_schema(frame, protected=["w"])
    assert err.value.argument == "--protected"
    with pytest.raises(UsageError) as err:
        infer_schema(frame, target="label")
    assert err.value.argument == "--target"
    with pytest.raises(UsageError, match="max_categories=1"):
        infer_schema(frame, max_categories=1)
    with pytest.raises(UsageError, match="no values"):
        infer_schema(pd.DataFrame({"a": [np.nan, np.nan]}))


# -- check_data ---------------------------------------------------------------------------------
SCHEMA = Schema(
    features=(
        Feature("age", "integer", low=17, high=90),
        Feature("sex", "categorical", categories=("Female", "Male")),
        Feature("hours", "continuous", low=0, high=99.5),
    ),
    protected=("sex",),
)


def test_check_data_encodes_in_schema_order(tmp_path: Path) -> None:
    frame = read_table(write(tmp_path / "d.csv", "hours,sex,age\n40.5,Male,39\n13,Female,50\n"))
    encoded = check_data(SCHEMA, frame)
    assert encoded.tolist() == [[39, 1, 40.5], [50, 0, 13]]
    assert np.array_equal(encoded, SCHEMA.encode(frame))


def test_non_numeric_value_names_line_and_column(tmp_path: Path) -> None:
    p = write(tmp_path / "d.csv", "age,sex,hours\n39,Male,40\n50,Female,13\nold,Male,40\n")
    with pytest.raises(UsageError, match="column 'age': value 'old' is not a number") as err:
        check_data(SCHEMA, read_table(p))
    assert (err.value.path, err.value.line) == (str(p), 4)
    assert f"{p}:4" in str(err.value)


@pytest.mark.parametrize(
    ("row", "pattern"),
    [
        ("39,Male,", "column 'hours': the value is empty"),
        ("39,male,40", "column 'sex': value 'male' is not one of the 2 categories"),
        ("39.5,Male,40", "column 'age': value 39.5 is not a whole number"),
        ("95,Male,40", r"column 'age': value 95 is outside the bounds \[17, 90\]"),
        ("39,Male,-1", "column 'hours'.*outside"),
    ],
)
def test_check_data_refuses_bad_values(tmp_path: Path, row: str, pattern: str) -> None:
    p = write(tmp_path / "d.csv", f"age,sex,hours\n39,Male,40\n{row}\n")
    with pytest.raises(UsageError, match=pattern) as err:
        check_data(SCHEMA, read_table(p))
    assert err.value.line == 3


def test_check_data_clips_when_asked() -> None:
    frame = pd.DataFrame({"age": [10, 95], "sex": ["Male", "Female"], "hours": [200.0, 1.0]})
    encoded = check_data(SCHEMA, frame, clip=True)
    assert encoded.tolist() == [[17, 1, 99.5], [90, 0, 1.0]]


def test_check_data_columns() -> None:
    frame = pd.DataFrame({"age": [20], "sex": ["Male"], "hours": [1.0], "label": [0]})
    with pytest.raises(UsageError, match=r"has column.*label.*not list"):
        check_data(SCHEMA, frame, source="d.csv")
    assert check_data(SCHEMA, frame, ignore=["label"]).shape == (1, 3)
    with pytest.raises(UsageError, match=r"lacks column.*hours") as err:
        check_data(SCHEMA, frame.drop(columns="hours"), source="d.csv", ignore=["label"])
    assert err.value.path == "d.csv"


def test_check_data_matches_string_and_number_categories() -> None:
    schema = Schema(features=(Feature("code", "categorical", categories=("1", "2", "10")),))
    encoded = check_data(schema, pd.DataFrame({"code": [10, 2, 1]}))
    assert encoded[:, 0].tolist() == [2, 1, 0]


def test_check_model_width() -> None:
    check_model_width(SCHEMA, 3)
    with pytest.raises(UsageError, match="takes 4 features but the schema has 3: age, sex, hours"):
        check_model_width(SCHEMA, 4)


# -- load_schema --------------------------------------------------------------------------------
GOOD_YAML = """\
features:
  - {name: age, type: integer, low: 17, high: 90}
  - {name: sex, type: categorical, categories: [Female, Male]}
  - {name: hours, type: continuous, low: 0, high: 99.5}
protected: [sex]
"""


def test_load_schema_yaml_and_json(tmp_path: Path) -> None:
    schema = load_schema(write(tmp_path / "s.yaml", GOOD_YAML))
    assert schema == SCHEMA
    assert schema.features[2].high == 99.5
    j = write(tmp_path / "s.json", json.dumps(SCHEMA.to_json(), indent="\t"))
    assert load_schema(j) == SCHEMA


def marked(old: str, new: str, text: str = GOOD_YAML) -> str:
    """``text`` with ``old`` replaced by ``new``; an ``@`` in ``new`` marks where the error is."""
    assert old in text
    return text.replace(old, new)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (marked("type: continuous", "type: @float"), "unknown type 'float'"),
        (marked("low: 17, high: 90", "low: @90, high: 17"), "low 90 is above high 17"),
        (
            marked(
                "  - {name: age, type: integer, low: 17, high: 90}", "  - @{name: age, low: 17}"
            ),
            "has no 'type'",
        ),
        (marked("low: 17, high: 90", "low: 17"), "needs 'high'"),
        (marked("low: 17, high: 90", "low: @17.5, high: 90"), "low 17.5 is not whole"),
        (marked("high: 99.5", "high: @lots"), "high 'lots' is not a number"),
        (marked("high: 99.5", "high: @.inf"), "high must be finite"),
        (marked("name: hours", "name: @age"), r"'age' appears twice \(first at line 2\)"),
        (marked("{name: sex, ", "@{"), "without a 'name'"),
        (marked("[Female, Male]", "[Female, @Female]"), "category 'Female' appears twice"),
        (marked("[Female, Male]", "@{a: 1}"), "'categories' must be a non-empty list"),
        (
            marked("categories: [Female, Male]", "@low: 0, categories: [Female, Male]"),
            "categorical: give 'categories', not 'low'",
        ),
        (
            marked("low: 0, high: 99.5", "low: 0, high: 99.5, @categories: [a]"),
            "only for categorical",
        ),
        (
            marked("protected: [sex]", "protected: [@gender]"),
            "protected attribute 'gender' is not a feature; features are: age, sex, hours",
        ),
        (marked("protected: [sex]", "protected: [@hours]"), "'hours' is continuous"),
        (marked("protected: [sex]", "protected: @{sex: 1}"), "must be a list"),
        (marked("protected:", "@protect:"), "unknown key 'protect'"),
        (marked("name: age, ", "name: age, @colour: red, "), "unknown key 'colour'"),
        (
            marked("name: age, type: integer", "name: age, type: integer, @type: integer"),
            "key 'type' appears twice",
        ),
        (
            marked("name: age, type: integer", "name: age, type: integer, @kind: integer"),
            "'type' or 'kind', not both",
        ),
        (marked("name: age", "name: @~"), "name None must be a non-empty string"),
        ("features: @{age: 1}\n", "must be a list"),
        ("features: @[]\n", "'features' is empty"),
        ("@protected: [sex]\n", "missing key 'features'"),
        ("@- a\n- b\n", "mapping"),
        ("features:\n  - @x\n", "a feature must be a mapping"),
        ("features:\n  - {name: a, type: integer, low: 1, high: 2\n@", "not valid YAML"),
        ("features:\n  - name: a\n   @type: integer\n", "not valid YAML"),
    ],
)
def test_load_schema_errors_point_at_the_node(tmp_path: Path, text: str, pattern: str) -> None:
    if "@" in text:
        before = text[: text.index("@")]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    else:  # a missing key: the error points at the feature's mapping on line 2
        line, column = 2, 5
    p = write(tmp_path / "s.yaml", text.replace("@", ""))
    with pytest.raises(UsageError, match=pattern) as err:
        load_schema(p)
    assert (err.value.path, err.value.line, err.value.column) == (str(p), line, column)
    assert str(err.value).startswith(f"{p}:{line}:{column}: ")


def test_load_schema_json_errors(tmp_path: Path) -> None:
    p = write(tmp_path / "s.json", '{\n  "features": [\n    {"name": "a"}\n    {"name": "b"}\n]}')
    with pytest.raises(UsageError, match="not valid JSON") as err:
        load_schema(p)
    assert (err.value.line, err.value.column) == (4, 5)
    q = write(tmp_path / "t.json", '{"features": [\n  {"name": "a", "type": "int"}]}')
    with pytest.raises(UsageError, match="unknown type 'int'") as err:
        load_schema(q)
    assert (err.value.line, err.value.column) == (2, 25)


def test_load_schema_file_problems(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="empty"):
        load_schema(write(tmp_path / "e.yaml", "\n# nothing\n"))
    with pytest.raises(UsageError, match="no such"):
        load_schema(tmp_path / "missing.yaml")


def test_load_schema_keeps_quoted_categories(tmp_path: Path) -> None:
    text = "features:\n  - {name: c, type: categorical, categories: ['01', '02', 3]}\n"
    schema = load_schema(write(tmp_path / "s.yml", text))
    assert schema.features[0].categories == ("01", "02", 3)


def test_load_schema_scalars_follow_yaml_1_2_and_json(tmp_path: Path) -> None:
    text = (
        "features:\n"
        "  - {name: c, type: categorical, categories: [yes, no, 'true', false]}\n"
        "  - {name: x, type: continuous, low: -1e-3, high: 1E5}\n"
        "protected: c\n"
    )
    schema = load_schema(write(tmp_path / "s.yaml", text))
    assert schema.features[0].categories == ("yes", "no", "true", False)
    assert (schema.features[1].low, schema.features[1].high) == (-0.001, 100000.0)
    assert schema.protected == ("c",)
    doc = {"features": [{"name": "x", "type": "continuous", "low": -1e-3, "high": 1e5}]}
    assert load_schema(write(tmp_path / "s.json", json.dumps(doc))).features[0].high == 1e5
    bad = write(
        tmp_path / "n.json",
        '{"features": [{"name": "c", "type": "categorical",\n  "categories": ["a", null]}]}',
    )
    with pytest.raises(UsageError, match="cannot be empty") as err:
        load_schema(bad)
    assert (err.value.line, err.value.column) == (2, 23)


def test_a_label_column_left_in_the_data_is_named_with_the_option_to_give(
    tmp_path: Path,
) -> None:
    """A Pipeline fitted without the label, given the CSV with it: the error listed 14
    columns against 13 features and left the user to find which one and why."""
    from sklearn.linear_model import LogisticRegression

    from assay.fairness.loading import setup_fairness

    frame = pd.DataFrame(
        {
            "age": [20, 30, 40, 50] * 5,
            "sex": ["Male", "Female"] * 10,
            "hours": [10.0, 20.0, 30.0, 40.0, 50.0] * 4,
        }
    )
    frame["income"] = (frame["age"] > 35).map({True: ">50K", False: "<=50K"})
    model = LogisticRegression().fit(
        frame[["age", "hours"]].assign(sex=frame["sex"] == "Male"), frame["income"]
    )
    frame.to_csv(tmp_path / "rows.csv", index=False)
    # the model declares its columns: the label is set aside, and the note says what it may be
    from assay.fairness.notes import set_aside_note

    setup = setup_fairness(model, data=tmp_path / "rows.csv", protected="sex")
    assert setup.set_aside == ("income",)
    assert "(the true label? give --label income" in (set_aside_note(setup) or "")
