"""A small discrete space covered by the search (mutation24, after hostile23): every protected
value compared when the budget pays for it exactly or there is no query budget, and the stop
reason honest with a three-valued attribute."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import assay


def _grid(nations: int) -> tuple[pd.DataFrame, Any]:
    """Every input of grade x city x married x nationality (4 x 6 x 2 x ``nations``), a tree
    refusing the middle nationality in grade 2 of city 3 (two classes of the 48)."""
    g = np.array(np.meshgrid(range(4), range(6), range(2), range(nations), indexing="ij"))
    g = g.reshape(4, -1).T
    frame = pd.DataFrame(g, columns=["grade", "city", "married", "nationality"])
    middle = g[:, 3] == nations // 2  # (no value's farthest: ranked variants miss it)
    y = np.where((g[:, 0] == 2) & (g[:, 1] == 3) & middle, "refused", "granted")
    return frame, DecisionTreeClassifier(random_state=0).fit(g, y)


def _stop(tmp_path: Path, nations: int, **budget: Any) -> tuple[str, int]:
    frame, model = _grid(nations)
    result = assay.check_fairness(
        model,
        data=frame,
        protected=["nationality"],
        seed=1,
        exact=False,
        answer=False,
        determinism_check=False,
        store=tmp_path / "runs.db",
        **budget,
    )
    return str(result.summary["stop_reason"]), result.n_findings


def test_a_budget_of_exactly_every_input_with_every_value_compares_them_all(
    tmp_path: Path,
) -> None:
    reason, found = _stop(tmp_path, 7, max_queries=48 * 7)
    assert "compared with 1 of the 6" not in reason and found == 2, reason


def test_without_a_query_budget_every_value_is_compared(tmp_path: Path) -> None:
    assert _stop(tmp_path, 7, max_time=120) == ("space covered", 2)


def test_a_three_valued_attribute_compared_with_one_other_value_says_so(tmp_path: Path) -> None:
    reason, _ = _stop(tmp_path, 3, max_queries=100)  # 48 x 3 = 144 for every value
    assert reason == "space covered, each input compared with 1 of the 2 other protected values"
