"""A finding of a data row did not carry the row's index label (``p17``, ``case-42``): the
user could not go back to the row in their own DataFrame (hostile51c).  The findings frame
now has a ``row`` column naming it, by the DataFrame's own index; a data file's findings
keep their columns as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import assay


def _case() -> tuple[object, pd.DataFrame]:
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"age": rng.integers(20, 60, 300), "sex": rng.integers(0, 2, 300)},
        index=pd.Index([f"case-{i}" for i in range(300)], name="case id"),
    )
    labels = ((frame["age"] > 40) & (frame["sex"] == 1)).astype(int)
    return DecisionTreeClassifier(random_state=0).fit(frame, labels), frame


def test_a_finding_of_a_data_row_is_named_by_its_index_label(tmp_path: Path) -> None:
    model, frame = _case()
    result = assay.check_fairness(
        model, frame, protected="sex", max_queries=400, seed=1, store=tmp_path / "s.db"
    )
    found = result.findings(limit=None)
    named = found[found["row"].notna()]
    assert len(named), found.head()
    for _, row in named.iterrows():  # the row it names holds its other features
        assert frame.loc[row["row"], "age"] == row["age"]
    # every variant of one IDI names the same row
    assert (named.groupby("idi")["row"].nunique() == 1).all()


def test_a_finding_of_no_data_row_names_none() -> None:
    from assay.core.findings import FindingBatch
    from assay.fairness.row_labels import data_rows, said_rows

    batch = FindingBatch(
        kind="fairness.idi",
        inputs=np.zeros((3, 2, 2)),
        outputs=np.zeros((3, 2, 1)),
        severity=np.ones(3),
        columns={"origin": np.array([4, -1, 2]), "n_changed": np.array([0, -1, 1])},
    )
    rows = data_rows(batch, 3)
    assert rows.tolist() == [4, -1, -1]
    assert said_rows(rows, pd.Index(list("abcde")), 2) == ["e", "e", None, None, None, None]


def test_a_data_file_s_findings_have_no_row_column(tmp_path: Path) -> None:
    model, frame = _case()
    frame.to_csv(tmp_path / "d.csv", index=False)
    result = assay.check_fairness(
        model, tmp_path / "d.csv", protected="sex", max_queries=400, seed=1, store=tmp_path / "s.db"
    )
    assert "row" not in result.findings(limit=5).columns
