"""hostile24: under ``--missing value`` a model handed DataFrames of inferred dtypes (a
function written for a DataFrame; an estimator fitted on a frame read from a file) gets one
dtype per column that may be missing, whatever a batch holds.  Before, a text column whose
every value in a batch was missing came as ``float64`` (``X["job"].str...`` failed: "Can
only use .str accessor with string values", and the run stopped, its hint blaming the
missing values), and a whole-number column with empty cells was ``int64`` or ``float64``
by batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import assay
from assay.models.inferred_frame import inferred_frame, steady_dtype


def _people(n: int = 240) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    job = rng.choice(["analyst", "baker", "clerk"], n).astype(object)
    job[rng.random(n) < 0.2] = None
    income = rng.integers(0, 8, n).astype(float)
    income[rng.random(n) < 0.2] = np.nan
    return pd.DataFrame({"sex": rng.choice(["F", "M"], n), "income": income, "job": job})


class _StrModel:
    """Reads ``job`` with the ``.str`` accessor (missing: not an analyst), records dtypes."""

    def __init__(self) -> None:
        self.dtypes: list[tuple[str, str]] = []

    def __call__(self, frame: Any) -> np.ndarray:
        self.dtypes.append((str(frame["job"].dtype), str(frame["income"].dtype)))
        analyst = frame["job"].str.startswith("analyst", na=False).to_numpy()
        return (analyst & (frame["sex"] == "M").to_numpy()).astype(int)


def test_a_function_reading_text_with_str_is_given_text_when_a_batch_is_all_missing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.csv"
    _people().to_csv(path, index=False)
    model = _StrModel()
    result = assay.check_fairness(
        model, data=str(path), protected="sex", missing="value", max_queries=600, seed=1
    )
    assert result.n_findings > 0
    later = set(model.dtypes[2:])  # (the load's probes come before the run's schema)
    assert len(later) == 1, later
    ((job, income),) = later
    assert income == "float64" and job != "float64"


def test_steady_columns_keep_their_dtype_in_any_batch() -> None:
    text, number = steady_dtype(["a", "b"]), steady_dtype([0.0])
    steady = {"job": text, "income": number}
    all_missing = np.array([["F", 3, np.nan], ["M", 4, np.nan]], dtype=object)
    frame = inferred_frame(all_missing, ["sex", "income", "job"], steady)
    assert frame["job"].dtype == text and frame["income"].dtype == np.float64
    assert frame["job"].isna().all()
    plain = inferred_frame(all_missing, ["sex", "income", "job"])
    assert plain["job"].dtype == np.float64  # what pandas alone infers
