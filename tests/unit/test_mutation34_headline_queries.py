"""The fairness headline's "found ... in N queries" is broken down whenever N holds more
than the search's queries, also in a run that asked nothing else (no answer, no
determinism checks): the sentence was once said only beyond the engine's own count
(mutation34: mutant IA4 of ``fairness/phases.py`` survived the lead's tests)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

import assay

sys.path.insert(0, str(Path(__file__).parent))
from test_fair31_notebook import _people, _pipe  # isort: skip


@pytest.mark.parametrize("label", [True, False])
def test_a_run_of_the_engines_queries_alone_breaks_its_count_down(
    tmp_path: Path, label: bool
) -> None:
    df, y = _people()
    options: dict[str, Any] = {"label": "outcome"} if label else {}
    result = assay.check_fairness(
        _pipe(df, y),
        df.assign(outcome=y) if label else df,
        store=tmp_path / "runs.db",
        seed=1,
        protected="sex",
        max_queries=2000,
        estimate=True,
        answer=False,
        determinism_check=False,
        **options,
    )
    asked = result.summary["model_queries"]
    assert asked["answer"] == 0 and asked["checks"] == 0 and asked["estimate"] > 0
    engine = asked["search"] + asked["group"] + asked["estimate"]
    assert asked["total"] == engine
    said = re.search(r" in ([\d,]+) queries", result.headline)
    assert said is not None and int(said.group(1).replace(",", "")) == engine
    assert f"the {engine:,} above ({asked['search']:,} by the search" in result.headline, (
        result.headline
    )
    assert f"{asked['estimate']:,} by the estimate)" in result.headline
