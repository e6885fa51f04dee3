"""left43f: a protected attribute tested by bins (``age:bins=25,40,60``): the findings (and
``--export``) showed each variant's age as the number the model was given, the bin's median
(``31``, ``70``), with no column naming the bin; ``age bin`` now names it (``25-39``) beside
the value, which is kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import assay


def test_the_findings_name_each_rows_bin_beside_the_value_asked(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 400), "income": rng.integers(10, 120, 400)})
    label = np.where(frame["income"] - (frame["age"] > 60) * 40 > 50, "good", "bad")
    model = DecisionTreeClassifier(max_depth=4, random_state=0).fit(frame, label)
    result = assay.check_fairness(
        model, frame, protected="age:bins=25,40,60", max_queries=1000, seed=1,
        store=tmp_path / "s",
    )  # fmt: skip
    found = result.findings()
    assert len(found)
    columns = list(found.columns)
    # main: no such column; "age" alone, holding the medians
    assert columns[columns.index("age") + 1] == "age bin"
    by_median = dict(zip(found["age"], found["age bin"], strict=True))
    assert by_median and all(
        int(b.split("-")[0]) <= a <= int(b.split("-")[1]) for a, b in by_median.items()
    )
    assert set(by_median.values()) <= {"18-24", "25-39", "40-59", "60-79"}
    assert "age bin" in list(result.findings(limit=0).columns)
    written = pd.read_csv(result.export(tmp_path / "idis.csv"))
    assert list(written["age bin"]) == list(found["age bin"])
