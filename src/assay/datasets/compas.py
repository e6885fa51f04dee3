"""ProPublica COMPAS two-year recidivism (``compas-scores-two-years.csv``).

ProPublica's own filtering is applied (their analysis notebook): days_b_screening_arrest within
[-30, 30], is_recid != -1, c_charge_degree != 'O', score_text != 'N/A'; 6,172 of 7,214 rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from assay.datasets.registry import Dataset, open_data_file
from assay.fairness.schema import Feature, Schema

__all__ = ["CATEGORIES", "COMPAS_COLUMNS", "load"]

COMPAS_COLUMNS: tuple[str, ...] = (
    "sex",
    "age",
    "race",
    "juv_fel_count",
    "juv_misd_count",
    "juv_other_count",
    "priors_count",
    "c_charge_degree",
)
CATEGORIES: dict[str, tuple[str, ...]] = {
    "sex": ("Female", "Male"),
    "race": ("African-American", "Asian", "Caucasian", "Hispanic", "Native American", "Other"),
    "c_charge_degree": ("F", "M"),
}
_FILTER_COLUMNS = ("days_b_screening_arrest", "is_recid", "score_text")

SOURCE = (
    "ProPublica compas-analysis repository, compas-scores-two-years.csv "
    "(Angwin, Larson, Mattu & Kirchner, 'Machine Bias', ProPublica, 2016)"
)
LICENCE = "published by ProPublica for public analysis (no separate licence file)"
LABEL_NAMES = ("no_recid", "two_year_recid")


def _read() -> pd.DataFrame:
    with open_data_file("compas-scores-two-years.csv.gz") as fh:
        return pd.read_csv(
            fh,
            compression="gzip",
            usecols=[*COMPAS_COLUMNS, *_FILTER_COLUMNS, "two_year_recid"],
            keep_default_na=False,
            na_values=[""],
        )


def _propublica_filter(raw: pd.DataFrame) -> pd.DataFrame:
    days = raw["days_b_screening_arrest"]
    keep = (
        days.between(-30, 30)
        & (raw["is_recid"] != -1)
        & (raw["c_charge_degree"] != "O")
        & (raw["score_text"] != "N/A")
    )
    return raw.loc[keep].reset_index(drop=True)


def load(name: str = "compas") -> Dataset:
    """The ``compas`` dataset (label 1 = reoffended within two years)."""
    rows = _propublica_filter(_read())
    frame = rows[list(COMPAS_COLUMNS)].copy()
    features: list[Feature] = []
    for col in COMPAS_COLUMNS:
        if col in CATEGORIES:
            features.append(Feature(col, "categorical", categories=CATEGORIES[col]))
        else:
            frame[col] = frame[col].astype(np.int64)
            low, high = float(frame[col].min()), float(frame[col].max())
            features.append(Feature(col, "integer", low=low, high=high))
    description = (
        "ProPublica COMPAS two-year recidivism with ProPublica's filtering "
        "(days_b_screening_arrest in [-30, 30], is_recid != -1, c_charge_degree != 'O', "
        "score_text != 'N/A'): 6,172 of 7,214 rows. Features: sex, age (years), race, "
        "juvenile felony / misdemeanour / other counts, priors count, charge degree (F/M); "
        "integers are bounded by their min..max. The COMPAS score itself is not a feature. "
        "Label 1 = two_year_recid (reoffended within two years). Protected: race by default; "
        "sex is also usual."
    )
    return Dataset(
        name=name,
        frame=frame,
        target=rows["two_year_recid"].to_numpy(dtype=np.int64),
        schema=Schema(features=tuple(features), protected=("race",)),
        label_names=LABEL_NAMES,
        description=description,
        source=SOURCE,
        licence=LICENCE,
        default_protected=("race",),
    )
