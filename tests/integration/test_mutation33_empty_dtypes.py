"""A clean run's findings of data read from a CSV file have the dtypes of a run's IDIs
(bench/RESULTS.md, mutation33's table: mutant EF2, integer features typed object in a frame
of no IDI, survived ``test_hostile32_empty_findings_dtypes.py``, whose integers are the
user's own ``Int64``, kept by the user's dtypes)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from test_hostile32_empty_findings_dtypes import _people, by_score, by_score_and_sex

import assay
from assay.core.store import RunStore


def test_a_clean_runs_findings_of_a_csv_have_the_dtypes_of_a_runs_idis(tmp_path: Path) -> None:
    people = _people().astype({"age": "int64", "sex": "object"})
    people.to_csv(tmp_path / "people.csv", index=False)
    frames = {}
    for model in (by_score, by_score_and_sex):
        result = assay.check_fairness(
            model, data=tmp_path / "people.csv", protected="sex", max_queries=3_000, seed=0,
            store=RunStore(tmp_path / "runs.db"),
        )  # fmt: skip
        frames[model.__name__] = result.findings()
    clean, found = frames["by_score"], frames["by_score_and_sex"]
    assert clean.empty and not found.empty
    for name in ("idi", "variant", "generated", "age", "score"):
        assert clean[name].dtype == found[name].dtype, (name, clean.dtypes, found.dtypes)
    assert pd.api.types.is_integer_dtype(clean["age"])
