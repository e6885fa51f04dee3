"""The fairness headline's "found ... in N queries" is the engine's count (the search's, the
group metrics' and the estimate's queries); its "in all" sentence said "900 by the search"
beside "found in 1,800 queries" with nothing tying the two (hostile33's Left 2).  Now the
sentence names the headline's count and what it holds."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import assay

sys.path.insert(0, str(Path(__file__).parent))
from test_fair31_notebook import _people, _pipe  # isort: skip


@pytest.fixture(scope="module")
def biased(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, pd.DataFrame, Path]:
    df, y = _people()
    return _pipe(df, y), df.assign(outcome=y), tmp_path_factory.mktemp("lead32") / "runs.db"


def test_the_headlines_query_count_is_broken_down_where_it_is_said(biased: Any) -> None:
    model, df, store = biased
    result = assay.check_fairness(
        model,
        df,
        store=store,
        seed=1,
        protected="sex",
        max_queries=2000,
        label="outcome",
        estimate=True,
    )
    asked = result.summary["model_queries"]
    assert asked["group"] > 0 and asked["estimate"] > 0
    engine = asked["search"] + asked["group"] + asked["estimate"]
    said = re.search(r" in ([\d,]+) queries", result.headline)
    assert said is not None and int(said.group(1).replace(",", "")) == engine
    assert (
        f"the {engine:,} above ({asked['search']:,} by the search, {asked['group']:,} by the "
        "group metrics (" in result.headline
    ), result.headline
    assert f"{asked['estimate']:,} by the estimate)" in result.headline


def test_a_run_whose_only_other_queries_are_the_searchs_own_engine_says_no_breakdown(
    biased: Any,
) -> None:
    model, df, store = biased
    result = assay.check_fairness(
        model,
        df.drop(columns="outcome"),
        store=store,
        seed=1,
        protected="sex",
        max_queries=2000,
    )
    asked = result.summary["model_queries"]
    assert asked["group"] == 0 and asked["estimate"] == 0
    assert " above (" not in result.headline
