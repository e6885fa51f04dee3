"""Built-in datasets: row counts, encodings, schemas, splits; checked against the raw files."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import importlib.resources
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.datasets import DATASETS, Dataset, list_datasets, load_dataset
from assay.errors import UsageError

DATA_DIR = importlib.resources.files("assay.datasets").joinpath("data")


def raw_lines(filename: str) -> list[str]:
    with DATA_DIR.joinpath(filename).open("rb") as fh:
        return gzip.decompress(fh.read()).decode("utf-8").splitlines()


def adult_rows() -> list[list[str]]:
    """Adult rows without unknowns, parsed with the csv module (independent of the loader)."""
    rows = []
    for filename in ("adult.data.gz", "adult.test.gz"):
        for row in csv.reader(raw_lines(filename), skipinitialspace=True):
            if len(row) == 15 and "?" not in row:
                rows.append(row)
    return rows


@pytest.fixture(scope="module")
def adult() -> Dataset:
    return load_dataset("adult")


def test_names_and_unknown_name() -> None:
    assert DATASETS == ("adult", "adult-raw", "compas", "german")
    assert set(list_datasets()) == set(DATASETS)
    with pytest.raises(UsageError, match=r"did you mean 'adult'.*adult, adult-raw") as err:
        load_dataset("adlt")
    assert err.value.argument == "--dataset"
    with pytest.raises(UsageError, match="built-in datasets are: adult, adult-raw, compas"):
        load_dataset("mnist")


def test_data_is_shipped_with_attribution() -> None:
    names = {p.name for p in DATA_DIR.iterdir()}
    shipped = {
        "adult.data.gz",
        "adult.test.gz",
        "adult.names",
        "german.data.gz",
        "compas-scores-two-years.csv.gz",
        "sentiment-tweets.csv.gz",
    }
    assert shipped <= names
    attribution = DATA_DIR.joinpath("ATTRIBUTION.md").read_text(encoding="utf-8")
    for name in shipped:
        assert name in attribution
    assert attribution.count("Licence:") == 4
    source_dir = Path(str(importlib.resources.files("assay.datasets")))
    for module in source_dir.glob("*.py"):
        assert "shared" not in module.read_text(encoding="utf-8")


def test_adult_literature_encoding(adult: Dataset) -> None:
    rows = adult_rows()
    assert len(adult) == len(rows) == 45222
    assert adult.frame.columns.tolist() == [
        "age",
        "workclass",
        "fnlwgt",
        "education",
        "marital_status",
        "occupation",
        "relationship",
        "race",
        "sex",
        "capital_gain",
        "capital_loss",
        "hours_per_week",
        "native_country",
    ]
    # first row of adult.data: 39, State-gov, 77516, Bachelors, 13, Never-married,
    # Adm-clerical, Not-in-family, White, Male, 2174, 0, 40, United-States, <=50K
    assert adult.X[0].tolist() == [3, 5, 3, 0, 2, 8, 3, 0, 1, 2, 0, 40, 0]
    assert adult.target[0] == 0
    males = sum(r[9] == "Male" for r in rows)
    rich = sum(r[14].rstrip(".") == ">50K" for r in rows)
    assert int(adult.frame["sex"].sum()) == males == 30527
    assert int(adult.target.sum()) == rich == 11208
    black = sum(r[8] == "Black" for r in rows)
    assert int((adult.frame["race"] == 4).sum()) == black
    assert adult.frame["age"].tolist()[:100] == [int(r[0]) // 10 for r in rows[:100]]
    assert adult.frame["capital_gain"].tolist()[:100] == [int(r[10]) // 1000 for r in rows[:100]]


def test_adult_schema_bounds(adult: Dataset) -> None:
    bounds = {f.name: (f.kind, f.low, f.high) for f in adult.schema.features}
    assert bounds == {
        "age": ("integer", 1, 9),
        "workclass": ("integer", 0, 6),
        "fnlwgt": ("integer", 0, 74),
        "education": ("integer", 0, 15),
        "marital_status": ("integer", 0, 6),
        "occupation": ("integer", 0, 13),
        "relationship": ("integer", 0, 5),
        "race": ("integer", 0, 4),
        "sex": ("integer", 0, 1),
        "capital_gain": ("integer", 0, 99),
        "capital_loss": ("integer", 0, 43),
        "hours_per_week": ("integer", 1, 99),
        "native_country": ("integer", 0, 40),
    }
    assert adult.schema.protected == adult.default_protected == ("sex",)
    assert adult.label_names == ("<=50K", ">50K")
    assert adult.X.min(axis=0).tolist() == adult.schema.lows.tolist()
    assert adult.X.max(axis=0).tolist() == adult.schema.highs.tolist()


def test_adult_raw_matches_the_file() -> None:
    ds = load_dataset("adult-raw")
    rows = adult_rows()
    assert len(ds) == 45222 and len(ds.frame.columns) == 14
    assert ds.frame.iloc[0].tolist()[:4] == [39, "State-gov", 77516, "Bachelors"]
    assert ds.frame["fnlwgt"].tolist()[-100:] == [int(r[2]) for r in rows[-100:]]
    assert Counter(ds.frame["race"]) == Counter(r[8] for r in rows)
    sex = ds.schema.feature("sex")
    assert (sex.kind, sex.categories) == ("categorical", ("Female", "Male"))
    assert (ds.schema.feature("workclass").categories or ())[:2] == ("Private", "Self-emp-not-inc")
    assert (ds.schema.feature("native_country").categories or ("",))[0] == "United-States"
    age = ds.schema.feature("age")
    assert (age.kind, age.low, age.high) == ("integer", 17, 90)
    # the integer-coded dataset is the same rows, coded
    coded = load_dataset("adult")
    assert np.array_equal(ds.X[:, ds.schema.index("sex")], coded.frame["sex"].to_numpy())
    assert np.array_equal(ds.target, coded.target)


def test_german_credit() -> None:
    ds = load_dataset("german")
    raw = [line.split() for line in raw_lines("german.data.gz") if line.strip()]
    assert len(ds) == len(raw) == 1000 and ds.frame.shape[1] == 20
    assert ds.frame.columns[8] == "sex" and "personal_status" not in ds.frame.columns
    female = sum(r[8] in ("A92", "A95") for r in raw)
    assert int((ds.frame["sex"] == "female").sum()) == female == 310
    assert int(ds.target.sum()) == sum(r[20] == "1" for r in raw) == 700
    assert ds.frame["checking_status"].tolist()[:3] == [r[0] for r in raw[:3]]
    age = ds.schema.feature("age")
    assert (age.kind, age.low, age.high) == ("integer", 19, 75)
    assert ds.schema.protected == ("sex",)
    assert ds.label_names == ("bad", "good")


def test_compas_propublica_filtering() -> None:
    ds = load_dataset("compas")
    assert len(ds) == 6172
    assert ds.frame.columns.tolist() == [
        "sex",
        "age",
        "race",
        "juv_fel_count",
        "juv_misd_count",
        "juv_other_count",
        "priors_count",
        "c_charge_degree",
    ]
    # figures published in ProPublica's analysis notebook
    race = Counter(ds.frame["race"])
    assert (race["African-American"], race["Caucasian"], race["Hispanic"]) == (3175, 2103, 509)
    assert Counter(ds.frame["sex"]) == {"Male": 4997, "Female": 1175}
    assert set(ds.frame["c_charge_degree"]) == {"F", "M"}
    assert set(np.unique(ds.target)) == {0, 1}
    assert ds.schema.protected == ("race",)


@pytest.mark.parametrize("name", ["adult", "adult-raw", "german", "compas"])
def test_encode_decode_round_trip(name: str) -> None:
    ds = load_dataset(name)
    rows = slice(0, 2000)
    assert np.array_equal(ds.X[rows], ds.schema.encode(ds.frame.iloc[rows]))
    decoded = ds.schema.decode(ds.X[rows])
    original = ds.frame.iloc[rows].to_numpy(dtype=object)
    assert (decoded == original).all()
    assert ds.X.dtype == np.float64 and ds.X.shape == (len(ds), len(ds.schema))
    assert (ds.schema.lows <= ds.X).all() and (ds.schema.highs >= ds.X).all()
    assert ds.target.dtype.kind == "i" and set(np.unique(ds.target)) == {0, 1}
    assert ds.description and ds.source and ds.licence


def test_split_is_deterministic_stratified_and_disjoint() -> None:
    ds = load_dataset("german")
    train, test = ds.split(test_size=0.3, seed=7)
    assert (len(train), len(test)) == (700, 300)
    assert abs(test.target.mean() - ds.target.mean()) < 0.005
    _, again_test = ds.split(test_size=0.3, seed=7)
    assert again_test.frame.equals(test.frame)
    other = ds.split(test_size=0.3, seed=8)[1]
    assert not other.frame.equals(test.frame)

    # train and test partition the rows (compared as sorted multisets of rows and labels)
    def rows(*parts: Dataset) -> pd.DataFrame:
        frame = pd.concat([p.frame.assign(label=p.target) for p in parts])
        return frame.sort_values(list(frame.columns)).reset_index(drop=True)

    assert rows(train, test).equals(rows(ds))
    assert train.schema == ds.schema and train.X.shape == (700, 20)
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(UsageError, match="test_size"):
            ds.split(test_size=bad)


def test_loads_are_fast_copies() -> None:
    from assay.datasets import adult, registry

    registry._load_cached.cache_clear()
    adult._rows.cache_clear()
    for name in DATASETS:
        start = time.perf_counter()
        load_dataset(name)
        assert time.perf_counter() - start < 4.0, name
    first = load_dataset("compas")
    first.frame.loc[0, "age"] = -5
    first.target[0] = 9
    second = load_dataset("compas")
    assert second.frame.loc[0, "age"] != -5 and second.target[0] != 9
    with pytest.raises(dataclasses.FrozenInstanceError):
        second.name = "x"  # type: ignore[misc]
