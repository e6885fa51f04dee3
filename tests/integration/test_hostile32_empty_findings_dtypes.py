"""``result.findings()`` of a run that found nothing had every column ``object``, where a
run's IDIs keep the user's dtypes (``Int64``, ``category``, ``bool``) and numbers: a notebook
concatenating several models' findings (``pd.concat([r.findings() for r in results])``)
turned the columns of the models with IDIs into objects.  A frame of no IDI has the dtypes
a frame of IDIs has."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import assay
from assay.core.store import RunStore


def _people() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 120
    return pd.DataFrame(
        {
            "age": pd.array(rng.integers(18, 70, n), dtype="Int64"),
            "sex": pd.Categorical(rng.choice(["F", "M"], n)),
            "veteran": rng.choice([True, False], n),
            "score": rng.normal(600, 50, n).round(1),
        }
    )


def by_score(rows: pd.DataFrame) -> np.ndarray:
    p = (np.asarray(rows["score"], dtype=float) > 600).astype(float)
    return np.column_stack([1 - p, p])


def by_score_and_sex(rows: pd.DataFrame) -> np.ndarray:
    male = np.asarray(rows["sex"]) == "M"
    p = ((np.asarray(rows["score"], dtype=float) > 600) & male).astype(float)
    return np.column_stack([1 - p, p])


by_score.classes_ = by_score_and_sex.classes_ = ["no", "yes"]  # type: ignore[attr-defined]


def test_a_clean_runs_findings_have_the_dtypes_of_a_runs_idis(tmp_path: Path) -> None:
    people = _people()
    frames = {}
    for model in (by_score, by_score_and_sex):
        result = assay.check_fairness(
            model,
            data=people,
            protected="sex",
            max_queries=3_000,
            seed=0,
            store=RunStore(tmp_path / "runs.db"),
        )
        frames[model.__name__] = result.findings()
    clean, found = frames["by_score"], frames["by_score_and_sex"]
    assert clean.empty and not found.empty
    assert list(clean.columns) == list(found.columns)
    for name in found.columns:
        if name == "prediction":  # (class names: their string dtype is pandas' choice)
            continue
        assert clean[name].dtype == found[name].dtype, (name, clean.dtypes, found.dtypes)
    both = pd.concat([found, clean])
    assert both["age"].dtype == "Int64" and both["sex"].dtype == "category", both.dtypes
