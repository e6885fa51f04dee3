"""UCI Statlog German credit (``german.data``, symbolic attribute codes A11 ... A202).

The 20 attributes keep their codes, except ``personal_status`` (A91..A95), which mixes sex
and marital status: it is replaced, in the same position, by ``sex`` (female/male), as in
the German credit encoding of the fairness-testing literature (THEMIS, Aequitas, ADF).  Keeping
it would let a model read sex from personal status when only ``sex`` is changed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assay.datasets.registry import Dataset, open_data_file
from assay.fairness.schema import Feature, Schema

__all__ = ["CODE_MEANINGS", "GERMAN_COLUMNS", "load"]

# column -> codes in the order of the UCI documentation; None: a numeric (integer) column
GERMAN_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "checking_status": ("A11", "A12", "A13", "A14"),
    "duration": None,
    "credit_history": ("A30", "A31", "A32", "A33", "A34"),
    "purpose": ("A40", "A41", "A42", "A43", "A44", "A45", "A46", "A47", "A48", "A49", "A410"),
    "credit_amount": None,
    "savings": ("A61", "A62", "A63", "A64", "A65"),
    "employment_since": ("A71", "A72", "A73", "A74", "A75"),
    "installment_rate": None,
    "personal_status": ("A91", "A92", "A93", "A94", "A95"),
    "other_debtors": ("A101", "A102", "A103"),
    "residence_since": None,
    "property": ("A121", "A122", "A123", "A124"),
    "age": None,
    "other_installment_plans": ("A141", "A142", "A143"),
    "housing": ("A151", "A152", "A153"),
    "existing_credits": None,
    "job": ("A171", "A172", "A173", "A174"),
    "num_dependents": None,
    "telephone": ("A191", "A192"),
    "foreign_worker": ("A201", "A202"),
}

_SEX_OF_STATUS = {"A91": "male", "A92": "female", "A93": "male", "A94": "male", "A95": "female"}

# The UCI documentation's meaning of each code (for reports and readers).
CODE_MEANINGS: dict[str, str] = {
    "A11": "checking account < 0 DM",
    "A12": "checking account 0 <= ... < 200 DM",
    "A13": "checking account >= 200 DM / salary assignments for at least 1 year",
    "A14": "no checking account",
    "A30": "no credits taken / all credits paid back duly",
    "A31": "all credits at this bank paid back duly",
    "A32": "existing credits paid back duly till now",
    "A33": "delay in paying off in the past",
    "A34": "critical account / other credits existing (not at this bank)",
    "A40": "car (new)",
    "A41": "car (used)",
    "A42": "furniture/equipment",
    "A43": "radio/television",
    "A44": "domestic appliances",
    "A45": "repairs",
    "A46": "education",
    "A47": "vacation",
    "A48": "retraining",
    "A49": "business",
    "A410": "others",
    "A61": "savings < 100 DM",
    "A62": "savings 100 <= ... < 500 DM",
    "A63": "savings 500 <= ... < 1000 DM",
    "A64": "savings >= 1000 DM",
    "A65": "savings unknown / no savings account",
    "A71": "unemployed",
    "A72": "employed < 1 year",
    "A73": "employed 1 <= ... < 4 years",
    "A74": "employed 4 <= ... < 7 years",
    "A75": "employed >= 7 years",
    "A91": "male: divorced/separated",
    "A92": "female: divorced/separated/married",
    "A93": "male: single",
    "A94": "male: married/widowed",
    "A95": "female: single",
    "A101": "no other debtors / guarantors",
    "A102": "co-applicant",
    "A103": "guarantor",
    "A121": "real estate",
    "A122": "building society savings agreement / life insurance",
    "A123": "car or other property",
    "A124": "unknown / no property",
    "A141": "other installment plans: bank",
    "A142": "other installment plans: stores",
    "A143": "no other installment plans",
    "A151": "rent",
    "A152": "own",
    "A153": "for free",
    "A171": "unemployed / unskilled, non-resident",
    "A172": "unskilled, resident",
    "A173": "skilled employee / official",
    "A174": "management / self-employed / highly qualified employee / officer",
    "A191": "no telephone",
    "A192": "telephone registered under the customer's name",
    "A201": "foreign worker: yes",
    "A202": "foreign worker: no",
}

SOURCE = (
    "UCI Machine Learning Repository, Statlog (German Credit Data) (Hofmann, 1994), "
    "https://doi.org/10.24432/C5NC77; file german.data"
)
LICENCE = "CC BY 4.0"
LABEL_NAMES = ("bad", "good")


def _read() -> tuple[pd.DataFrame, np.ndarray]:
    with open_data_file("german.data.gz") as fh:
        raw = pd.read_csv(
            fh,
            compression="gzip",
            sep=" ",
            header=None,
            names=[*GERMAN_COLUMNS, "class"],
            dtype={n: (str if codes else np.int64) for n, codes in GERMAN_COLUMNS.items()},
        )
    label = raw.pop("class").to_numpy(dtype=np.int64)
    if not np.isin(label, (1, 2)).all():  # pragma: no cover - the shipped file is fixed
        raise RuntimeError("unexpected German credit labels")
    return raw, (label == 1).astype(np.int64)


def load(name: str = "german") -> Dataset:
    """The ``german`` dataset (label 1 = good credit)."""
    raw, target = _read()
    columns: dict[str, pd.Series] = {}
    features: list[Feature] = []
    for col, codes in GERMAN_COLUMNS.items():
        if col == "personal_status":
            columns["sex"] = raw[col].map(_SEX_OF_STATUS)
            features.append(Feature("sex", "categorical", categories=("female", "male")))
        elif codes is None:
            columns[col] = raw[col]
            low, high = float(raw[col].min()), float(raw[col].max())
            features.append(Feature(col, "integer", low=low, high=high))
        else:
            columns[col] = raw[col]
            features.append(Feature(col, "categorical", categories=codes))
    description = (
        "UCI Statlog German credit: 1,000 applicants, 20 attributes keeping their UCI codes "
        "(A11 ...; meanings in assay.datasets.german.CODE_MEANINGS) with the categories of the "
        "UCI documentation; numeric attributes are integers bounded by their min..max. "
        "personal_status (A91..A95) is replaced in place by sex ('female' for A92/A95, 'male' "
        "for A91/A93/A94), dropping marital status, as in the fairness-testing literature. "
        "Label 1 = good credit (class 1), 0 = bad (class 2). Protected: sex by default (as in "
        "THEMIS and Aequitas); age (19..75 years) is the other usual choice."
    )
    return Dataset(
        name=name,
        frame=pd.DataFrame(columns),
        target=target,
        schema=Schema(features=tuple(features), protected=("sex",)),
        label_names=LABEL_NAMES,
        description=description,
        source=SOURCE,
        licence=LICENCE,
        default_protected=("sex",),
    )
