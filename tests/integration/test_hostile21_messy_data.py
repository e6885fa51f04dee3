"""hostile21: a data scientist's messy data through ``check_fairness`` and ``check_text``:
pandas extension dtypes, booleans stored three ways, categories with unused values,
classifiers answering DataFrames or missing labels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

import assay
from assay.errors import ModelError, UsageError


def _people_file(
    path: Path, header: str, row: Callable[[int, int, int], str], hours: tuple[int, int] = (10, 60)
) -> Path:
    """A data file of 200 rows: ``header``, then ``row(age, sex, hours)`` per line."""
    rng = np.random.default_rng(0)
    columns = zip(
        rng.integers(18, 80, 200), rng.integers(0, 2, 200), rng.integers(*hours, 200), strict=True
    )
    path.write_text("\n".join([header, *(row(a, s, h) for a, s, h in columns)]) + "\n")
    return path


def _men_over_40(male: Any, fit_as: Any) -> tuple[pd.DataFrame, Pipeline]:
    rng = np.random.default_rng(0)
    age = rng.integers(18, 80, 400)
    y = np.where(np.asarray(male, dtype=bool) & (age > 40), "yes", "no")
    train = pd.DataFrame({"age": age, "male": fit_as})
    encode = ColumnTransformer(
        [("o", OneHotEncoder(handle_unknown="ignore"), ["male"])], remainder="passthrough"
    )
    model = Pipeline([("c", encode), ("m", DecisionTreeClassifier(random_state=0))])
    return pd.DataFrame({"age": age}), model.fit(train, y)


@pytest.mark.parametrize(
    ("fit_as", "data_as"),
    [("boolean", "boolean"), ("int", "bool"), ("bool", "int")],
)
def test_booleans_the_encoder_reads_as_numbers_are_tested(
    tmp_path: Path, fit_as: str, data_as: str
) -> None:
    """A nullable ``boolean`` column is fitted by the encoder as 0.0/1.0, and True == 1 to
    it: the pipeline reads these data (its own predictions change with ``male``), but
    assay refused them as values 'the model reads all alike, as unknown'."""
    male = np.random.default_rng(1).integers(0, 2, 400).astype(bool)
    forms = {"boolean": pd.array(male, dtype="boolean"), "bool": male, "int": male.astype(int)}
    data, model = _men_over_40(male, forms[fit_as])
    data["male"] = forms[data_as]
    result = assay.check_fairness(
        model, data=data, protected="male", max_queries=1_000, seed=0, store=tmp_path / "r.db"
    )
    assert result.n_findings > 0


def test_text_against_booleans_is_refused_with_the_types_shown(tmp_path: Path) -> None:
    """Fitted on booleans, given 'True'/'False' text: the encoder reads the text as unknown;
    the refusal shows the two types apart (it read "as 'False', 'True' ... ('False',
    'True')")."""
    male = np.random.default_rng(1).integers(0, 2, 400).astype(bool)
    data, model = _men_over_40(male, male)
    data["male"] = np.where(male, "True", "False")
    with pytest.raises(UsageError, match=r"fitted on male as False, True, .*\('False', 'True'\)"):
        assay.check_fairness(model, data=data, protected="male", store=tmp_path / "r.db")


def test_a_category_column_keeps_its_categories_in_every_call(tmp_path: Path) -> None:
    """A ``category`` column with an unused value and its own order (M, F, X), read by the
    user's pipeline through its codes: every call and the findings were given
    ``astype("category")``, whose categories are the batch's sorted (F, M): M read as F's
    code, every witness's prediction the reverse of the model's on the user's rows."""
    rng = np.random.default_rng(0)
    sex = pd.Categorical(rng.choice(["M", "F"], 400), categories=["M", "F", "X"])
    age = rng.integers(18, 80, 400)
    data = pd.DataFrame({"age": age, "sex": sex})
    y = np.where((np.asarray(sex) == "M") & (age > 40), "yes", "no")
    codes = FunctionTransformer(lambda d: d.assign(sex=d["sex"].cat.codes))
    model = Pipeline([("codes", codes), ("m", DecisionTreeClassifier(random_state=0))])
    model.fit(data, y)
    result = assay.check_fairness(
        model, data=data, protected="sex", max_queries=1_000, seed=0, store=tmp_path / "r.db"
    )
    found = result.findings()
    assert found["sex"].dtype == data["sex"].dtype  # categories M, F, X in that order
    answered = model.predict(found[["age", "sex"]])
    assert result.n_findings > 0
    assert (answered == found["prediction"].astype(str).to_numpy()).all()


_GRAMMAR = """S -> NP " " VP
NP -> "the film" | "das Buch" | "映画"
VP -> "was good" | "was bad" | "war gut"
"""


def _label(sentence: str) -> str:
    return "pos" if ("good" in sentence or "gut" in sentence) else "neg"


def _words(batch: list[str]) -> np.ndarray:
    return np.array([_label(s) for s in batch])


def test_a_text_classifier_answering_a_dataframe_of_probabilities(tmp_path: Path) -> None:
    """``pd.DataFrame(clf.predict_proba(X), columns=clf.classes_)``: iterated for labels,
    its column names were taken for the answers to the two probe sentences, and the run
    failed as the model's fault (exit 3, "declares label outputs but returned shape")."""

    def frame(batch: list[str]) -> pd.DataFrame:
        p = [[0.2, 0.8] if _label(s) == "pos" or "映画" in s else [0.9, 0.1] for s in batch]
        return pd.DataFrame(p, columns=["neg", "pos"])

    result = assay.check_text(
        [_words, frame], grammar=_GRAMMAR, max_queries=200, seed=1, store=tmp_path / "r.db"
    )
    found = result.findings()
    assert len(found) and all(s.startswith("映画 ") for s in found["sentence"]), found
    assert found["frame: pos"].tolist() == [0.8] * len(found)  # its probabilities kept


def test_a_missing_label_is_said_to_be_missing(tmp_path: Path) -> None:
    """None for a sentence it cannot read: "answered 'None' ..., a label it had not answered
    before; declare ... classes_ = ['neg', 'pos', 'None']" (a missing answer as a label)."""

    def gaps(batch: list[str]) -> list[str | None]:
        return [None if "映画" in s else _label(s) for s in batch]

    with pytest.raises(ModelError, match=r"answered no label \(None\) for input \d+ \('映画"):
        assay.check_text(
            [_words, gaps], grammar=_GRAMMAR, max_queries=200, seed=1, store=tmp_path / "r.db"
        )


def test_probability_columns_are_read_by_their_names(tmp_path: Path) -> None:
    """A function declaring ``classes_ = ['no', 'yes']`` and answering a DataFrame whose
    columns come as yes, no: read by position, every witness's prediction was the reverse
    of the model's (and the favoured value with it)."""
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"age": rng.integers(18, 80, 300), "sex": rng.integers(0, 2, 300)})

    def model(x: Any) -> pd.DataFrame:
        x = np.asarray(x, dtype=float)
        p = np.where((x[:, 1] == 1) & (x[:, 0] > 40), 0.9, 0.1)
        return pd.DataFrame({"yes": p, "no": 1 - p})

    model.classes_ = ["no", "yes"]  # type: ignore[attr-defined]
    result = assay.check_fairness(
        model, data=data, protected="sex", max_queries=1_000, seed=0, store=tmp_path / "r.db"
    )
    found = result.findings()
    x = found[["age", "sex"]].to_numpy(dtype=float)
    truth = np.where((x[:, 1] == 1) & (x[:, 0] > 40), "yes", "no")
    assert result.n_findings > 0
    assert (found["prediction"].astype(str).to_numpy() == truth).all()


def test_an_empty_column_from_a_trailing_separator_is_named_with_its_way_out(
    tmp_path: Path,
) -> None:
    """Every line ending in a comma (a spreadsheet's export): "column 'Unnamed: 3' holds no
    values", with neither why nor what to do; the --drop it now gives is quoted for the shell,
    and works."""
    path = _people_file(tmp_path / "trail.csv", "age,sex,hours,", lambda a, s, h: f"{a},{s},{h},")

    def model(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return ((x[:, 1] == 1) & (x[:, 0] > 40)).astype(int)

    with pytest.raises(UsageError, match=r"no name in the header .*--drop 'Unnamed: 3'"):
        assay.check_fairness(model, data=path, protected="sex", store=tmp_path / "r.db")
    result = assay.check_fairness(
        model, data=path, drop=["Unnamed: 3"], protected="sex", max_queries=500, seed=0,
        store=tmp_path / "r.db",
    )  # fmt: skip
    assert result.n_findings > 0


def test_a_functions_findings_come_back_in_the_users_dtypes(tmp_path: Path) -> None:
    """A function is fed arrays, and its findings were rebuilt from them: nullable ``Int64``
    became int64, a ``category`` plain text, ``boolean`` bool, ``string[pyarrow]`` the
    default string; concatenated with the user's frame, every such column became object."""
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {
            "age": pd.array(rng.integers(18, 80, 300), dtype="Int64"),
            "male": pd.array(rng.integers(0, 2, 300).astype(bool), dtype="boolean"),
            "city": pd.Categorical(
                rng.choice(["Zürich", "Genève"], 300), ["Zürich", "Genève", "Bern"]
            ),
            "team": pd.array(rng.choice(["a", "b"], 300), dtype="string[pyarrow]"),
        }
    )

    def model(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=object)
        return ((x[:, 1] == True) & (x[:, 0].astype(float) > 40)).astype(int)  # noqa: E712

    result = assay.check_fairness(
        model, data=data, protected="male", max_queries=500, seed=0, store=tmp_path / "r.db"
    )
    found = result.findings()
    assert result.n_findings > 0
    assert found[list(data.columns)].dtypes.to_dict() == data.dtypes.to_dict()


@pytest.mark.parametrize("given", ["frame", "parquet"])
def test_protected_categories_no_row_holds_are_tested(tmp_path: Path, given: str) -> None:
    """A sample without its rare group ('Other', still among the column's categories, in
    memory or in a Parquet file): the model refuses only 'Other', the search never varied
    it, and the run said only "the model gave the same answer to every input ... check that
    it receives its inputs in the form it was fitted on", never which value went untested
    (later said untested; since left43f tested, its encoder being fitted on it)."""
    rng = np.random.default_rng(0)
    race = rng.choice(["A", "B", "Other"], 600, p=[0.45, 0.45, 0.1])
    age = rng.integers(18, 80, 600)
    train = pd.DataFrame({"age": age, "race": pd.Categorical(race)})
    encode = ColumnTransformer(
        [("o", OneHotEncoder(handle_unknown="ignore"), ["race"])], remainder="passthrough"
    )
    model = Pipeline([("c", encode), ("m", DecisionTreeClassifier(random_state=0))])
    model.fit(train, np.where((race == "Other") & (age > 30), "no", "yes"))
    sample: Any = train[train["race"] != "Other"]
    if given == "parquet":
        pytest.importorskip("pyarrow")
        sample.to_parquet(tmp_path / "sample.parquet")
        sample = tmp_path / "sample.parquet"
    result = assay.check_fairness(
        model, data=sample, protected="race", max_queries=500, seed=0, store=tmp_path / "r.db"
    )
    # left43f: a value the column's categories list and the model was fitted on (its encoder
    # lists it) is tested as one of the attribute's values, and said so; the model refusing
    # only 'Other' past 30 is found
    assert any("tested as its values (race: 'Other')" in n for n in result.notes), result.notes
    assert result.n_findings > 0
    assert "Other" in set(result.findings()["race"].astype(str))


def test_a_semicolon_file_with_decimal_commas_is_read_as_numbers(tmp_path: Path) -> None:
    """Excel's export where the comma is the decimal mark (';' between fields, '39,5'):
    the column was read as text and the model failed on it (exit 3, "could not convert
    string to float: '39,5'"), blamed on the model.  A column of codes with commas in them
    ('1,2,3') stays text."""
    path = _people_file(
        tmp_path / "euro.csv",
        "age;sex;hours;codes",
        lambda a, s, h: f"{a};{s};{h // 2},{5 * (h % 2)};{h % 3},{h % 5},1",
        hours=(20, 120),
    )

    def model(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=object)
        return ((x[:, 1] == 1) & (x[:, 2].astype(float) > 30.2)).astype(int)

    result = assay.check_fairness(
        model, data=path, protected="sex", max_queries=500, seed=0, store=tmp_path / "r.db"
    )
    assert result.n_findings > 0
    assert any("hours: written with a decimal comma" in w for w in result.notes)
    found = result.findings()
    assert found["hours"].dtype == np.float64 and found["codes"].dtype != np.float64
    assert found["hours"].between(10, 60).all()  # 39,5 read as 39.5, never 395


def test_a_workbook_under_a_csv_name_is_named_as_one(tmp_path: Path) -> None:
    """An .xlsx saved as people.csv: "byte offset 11 (0xb7) is not valid utf-8 text: pass
    the file's encoding with --encoding (e.g. --encoding latin-1)", an encoding that cannot
    help; a Parquet file under a .csv name likewise."""
    import zipfile

    path = tmp_path / "people.csv"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UsageError, match=r"ZIP archive \(an Excel .xlsx .*save it as CSV"):
        assay.check_fairness(lambda x: x, data=path, protected="sex", store=tmp_path / "r.db")
    path.write_bytes(b"PAR1" + bytes(range(128, 256)))
    with pytest.raises(UsageError, match=r"is Parquet, not text: give it a name ending in"):
        assay.check_fairness(lambda x: x, data=path, protected="sex", store=tmp_path / "r.db")


def test_a_protected_name_apart_from_its_column_by_spaces_is_shown(tmp_path: Path) -> None:
    """A header written 'age , sex , hours': the columns are 'age ', 'sex ' and 'hours', and
    "--protected sex" read "is not a column; columns are: age , sex , hours"."""
    path = _people_file(tmp_path / "p.csv", "age , sex , hours", lambda a, s, h: f"{a},{s},{h}")
    with pytest.raises(UsageError, match=r"columns are: 'age ', 'sex ', hours; the column 'sex '"):
        assay.check_fairness(lambda x: x, data=path, protected="sex", store=tmp_path / "r.db")


def test_json_lines_with_some_numbers_written_as_text(tmp_path: Path) -> None:
    """``{"age": "21"}`` on a few lines, ``{"age": 30}`` on the rest: age became a category
    of 62 values (30 and '21' two of them), without a word; the regions read "age in {39,
    40, 41, ...}"."""
    import json

    rng = np.random.default_rng(0)
    path = tmp_path / "people.jsonl"
    lines = []
    for i in range(300):
        age = int(rng.integers(18, 80))
        row = {"age": str(age) if i % 50 == 0 else age, "sex": i % 2, "zip": "02134"}
        lines.append(json.dumps(row))
    path.write_text("\n".join(lines) + "\n")

    def model(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=object)
        return ((x[:, 1] == 1) & (x[:, 0].astype(float) > 40)).astype(int)

    result = assay.check_fairness(
        model, data=path, protected="sex", max_queries=500, seed=0, store=tmp_path / "r.db"
    )
    assert any("age: numbers, 6 of them written as text" in w for w in result.notes)
    found = result.findings()
    assert found["age"].dtype.kind in "iu" and found["zip"].tolist()[0] == "02134"


def test_text_labels_one_fitted_as_floats_align_with_whole_numbers(tmp_path: Path) -> None:
    """Two pipelines, one fitted on labels 0/1 and one on 0.0/1.0 (a label column that held
    a NaN once is float): "the classifiers name their labels differently: ... has 0, 1; ...
    has 0.0, 1.0. Give --label-map" for what are the same two numbers."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = ["good film", "bad film", "great movie", "awful movie", "loved it", "hated it"] * 4
    whole = [1, 0, 1, 0, 1, 0] * 4
    ints = Pipeline([("t", TfidfVectorizer()), ("m", LogisticRegression())]).fit(texts, whole)
    floats = Pipeline([("t", TfidfVectorizer()), ("m", LogisticRegression())])
    floats.fit(texts, [float(v) for v in whole])
    result = assay.check_text(
        [ints, floats], grammar=_GRAMMAR, max_queries=100, seed=1, store=tmp_path / "r.db"
    )
    notes = " ".join(x["text"] for x in result.summary["sections"] if x["title"] == "Notes")
    assert "'0.0' as '0'" in notes and "'1.0' as '1'" in notes, notes


def test_a_frames_numbers_some_written_as_text_are_said_to_be_categories(
    tmp_path: Path,
) -> None:
    """A DataFrame's object column of ages, six of 300 written as text ('21'): read as 62
    categories, never searched as a range, without a word (the user's frame is left as it
    is; the note says how to convert it)."""
    rng = np.random.default_rng(0)
    ages = [int(a) if i % 50 else str(int(a)) for i, a in enumerate(rng.integers(18, 80, 300))]
    data = pd.DataFrame({"age": pd.Series(ages, dtype=object), "sex": rng.integers(0, 2, 300)})

    def model(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=object)
        return ((x[:, 1] == 1) & (x[:, 0].astype(float) > 40)).astype(int)

    result = assay.check_fairness(
        model, data=data, protected="sex", max_queries=500, seed=0, store=tmp_path / "r.db"
    )
    assert any("numbers written as text (age: " in w for w in result.warnings), result.warnings
