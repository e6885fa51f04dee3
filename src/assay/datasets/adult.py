"""UCI Adult (census income): ``adult`` (literature integer encoding) and ``adult-raw``.

Both read ``adult.data`` and ``adult.test`` (48,842 rows) and drop the 3,620 rows holding an
unknown value ``?``, leaving 45,222 rows: what most of the fairness-testing literature does.
Label 1 is income ``>50K``.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from assay.datasets.registry import Dataset, open_data_file, read_data_text
from assay.fairness.schema import Feature, Schema

__all__ = ["ADULT_COLUMNS", "ENCODED_COLUMNS", "categories", "load"]

ADULT_COLUMNS: tuple[str, ...] = (
    "age",
    "workclass",
    "fnlwgt",
    "education",
    "education_num",
    "marital_status",
    "occupation",
    "relationship",
    "race",
    "sex",
    "capital_gain",
    "capital_loss",
    "hours_per_week",
    "native_country",
)
_NUMERIC = ("age", "fnlwgt", "education_num", "capital_gain", "capital_loss", "hours_per_week")

# column of the 13-feature encoding -> (raw column, divisor); divisor None: category code
ENCODED_COLUMNS: dict[str, tuple[str, int | None]] = {
    "age": ("age", 10),
    "workclass": ("workclass", None),
    "fnlwgt": ("fnlwgt", 20000),
    "education": ("education", None),
    "marital_status": ("marital_status", None),
    "occupation": ("occupation", None),
    "relationship": ("relationship", None),
    "race": ("race", None),
    "sex": ("sex", None),
    "capital_gain": ("capital_gain", 1000),
    "capital_loss": ("capital_loss", 100),
    "hours_per_week": ("hours_per_week", 1),
    "native_country": ("native_country", None),
}

SOURCE = (
    "UCI Machine Learning Repository, Adult (Becker & Kohavi, 1996), "
    "https://doi.org/10.24432/C5XW20; files adult.data and adult.test"
)
LICENCE = "CC BY 4.0"
LABEL_NAMES = ("<=50K", ">50K")


@functools.lru_cache(maxsize=1)
def categories() -> dict[str, tuple[str, ...]]:
    """Each categorical column's values in the order adult.names lists them."""
    out: dict[str, tuple[str, ...]] = {}
    for line in read_data_text("adult.names").splitlines():
        match = re.fullmatch(r"([a-z-]+): (.+)\.", line.strip())
        if match and match.group(2) != "continuous":
            values = tuple(v.strip() for v in match.group(2).split(","))
            out[match.group(1).replace("-", "_")] = values
    return out


@functools.lru_cache(maxsize=1)
def _rows() -> tuple[pd.DataFrame, np.ndarray]:
    """The raw rows without unknowns (strings and integers) and the 0/1 labels."""
    parts = []
    for filename, skip in (("adult.data.gz", 0), ("adult.test.gz", 1)):
        with open_data_file(filename) as fh:
            parts.append(
                pd.read_csv(
                    fh,
                    compression="gzip",
                    header=None,
                    names=[*ADULT_COLUMNS, "income"],
                    skiprows=skip,
                    skipinitialspace=True,
                    na_values=["?"],
                    keep_default_na=False,
                )
            )
    frame = pd.concat(parts, ignore_index=True).dropna().reset_index(drop=True)
    income = frame.pop("income").str.rstrip(".")
    if not income.isin(LABEL_NAMES).all():  # pragma: no cover - the shipped file is fixed
        raise RuntimeError(f"unexpected Adult labels: {sorted(set(income) - set(LABEL_NAMES))}")
    for col in _NUMERIC:
        frame[col] = frame[col].astype(np.int64)
    return frame, (income == LABEL_NAMES[1]).to_numpy(dtype=np.int64)


def _encoded(raw: pd.DataFrame) -> pd.DataFrame:
    """The 13 integer columns of the literature encoding."""
    cats = categories()
    cols: dict[str, np.ndarray] = {}
    for name, (src, divisor) in ENCODED_COLUMNS.items():
        if divisor is None:
            codes = pd.Categorical(raw[src], categories=cats[src]).codes.astype(np.int64)
            if (codes < 0).any():  # pragma: no cover - the shipped file is fixed
                raise RuntimeError(f"Adult column {src!r} holds a value adult.names lacks")
            cols[name] = codes
        else:
            cols[name] = raw[src].to_numpy(dtype=np.int64) // divisor
    return pd.DataFrame(cols)


def _integer(name: str, col: pd.Series) -> Feature:
    return Feature(name, "integer", low=float(col.min()), high=float(col.max()))


def _code_labels(name: str, low: int, high: int) -> tuple[str, ...]:
    """Readable names of one encoded column's values (categories, or the binned ranges)."""
    src, divisor = ENCODED_COLUMNS[name]
    if divisor is None:
        return categories()[src][low : high + 1]
    if divisor == 1:
        return tuple(str(v) for v in range(low, high + 1))
    return tuple(f"{v * divisor}-{(v + 1) * divisor - 1}" for v in range(low, high + 1))


def _load_encoded() -> Dataset:
    raw, target = _rows()
    frame = _encoded(raw)
    features = tuple(
        Feature(
            name,
            "integer",
            low=float(frame[name].min()),
            high=float(frame[name].max()),
            value_labels=_code_labels(name, int(frame[name].min()), int(frame[name].max())),
            # a category's code: its order is adult.names', not the category's
            nominal=ENCODED_COLUMNS[name][1] is None,
        )
        for name in frame.columns
    )
    description = (
        "UCI Adult census income in the 13-integer encoding of the fairness-testing literature "
        "(Aequitas, ADF, ExpGA, ...): age//10, workclass code, fnlwgt//20000, education code "
        "(education-num dropped), marital-status, occupation, relationship, race, sex "
        "(Female=0, Male=1) codes, capital-gain//1000, capital-loss//100, hours-per-week, "
        "native-country code. Codes follow the order of values in adult.names "
        "(race: White=0, Asian-Pac-Islander=1, Amer-Indian-Eskimo=2, Other=3, Black=4). "
        "adult.data and adult.test together, rows with an unknown value '?' dropped "
        "(45,222 of 48,842 rows), so no code 100 appears. Bounds are the min..max of each "
        "column over these rows. Label 1 = '>50K'. Protected: sex by default; race and age "
        "are also usual choices."
    )
    return Dataset(
        name="adult",
        frame=frame,
        target=target,
        schema=Schema(features=features, protected=("sex",)),
        label_names=LABEL_NAMES,
        description=description,
        source=SOURCE,
        licence=LICENCE,
        default_protected=("sex",),
    )


def _load_raw() -> Dataset:
    raw, target = _rows()
    cats = categories()
    features = tuple(
        _integer(name, raw[name])
        if name in _NUMERIC
        else Feature(name, "categorical", categories=cats[name])
        for name in ADULT_COLUMNS
    )
    description = (
        "UCI Adult census income, the 14 original columns (hyphens in names replaced by "
        "underscores) with string categories listed in adult.names order; numeric columns are "
        "integers bounded by their min..max over the rows kept. adult.data and adult.test "
        "together, rows with an unknown value '?' dropped (45,222 of 48,842 rows). "
        "Label 1 = '>50K'. Protected: sex ('Female', 'Male') by default; race is also usual."
    )
    return Dataset(
        name="adult-raw",
        frame=raw.copy(),
        target=target.copy(),
        schema=Schema(features=features, protected=("sex",)),
        label_names=LABEL_NAMES,
        description=description,
        source=SOURCE,
        licence=LICENCE,
        default_protected=("sex",),
    )


def load(name: str) -> Dataset:
    """The dataset ``adult`` or ``adult-raw``."""
    return _load_raw() if name == "adult-raw" else _load_encoded()
