"""A run of units whose each unit has one query says "1 query for each of its 2 units"
(bench/RESULTS.md, mutation33: mutant GQ4 survived ``test_hostile32_one_query.py``, which has
no units; the units' rewrite of the note then said "(1 queries for each of its 2 units)")."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from test_hostile32_one_query import by_sex

import assay
from assay.core.store import RunStore


def test_one_query_for_each_unit_is_one_query(tmp_path: Path) -> None:
    people = pd.DataFrame({"age": [30, 41, 52, 63], "sex": ["M", "F", "M", "F"]})
    result = assay.check_fairness(
        by_sex, data=people, protected="sex", max_queries=2, units=2,
        store=RunStore(tmp_path / "r.db"),
    )  # fmt: skip
    said = "a small query budget (1 query for each of its 2 units)"
    assert said in result.headline, result.headline
