"""``protected=df["Gender"]`` (a notebook's slip: the column, not its name) is refused saying
to name the column; its values were read as attribute names: "protected attribute 'male' is
named twice" (hostile49)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {"Income": rng.normal(50, 15, 200).round(1), "Gender": rng.choice(["f", "m"], 200)}
    )


def model(X: pd.DataFrame) -> list[str]:
    return ["yes" if v > 50 else "no" for v in X["Income"]]


@pytest.mark.parametrize("given", ["series", "frame"])
def test_a_column_given_for_its_name_is_refused_naming_it(tmp_path: Path, given: str) -> None:
    data = frame()
    column = data["Gender"] if given == "series" else data[["Gender"]]
    model.classes_ = ["no", "yes"]  # type: ignore[attr-defined]
    with pytest.raises(assay.UsageError) as caught:
        assay.check_fairness(
            model, data=data, protected=column, max_queries=200, store=tmp_path / "s.db"
        )
    said = str(caught.value)
    assert said.startswith("argument protected:"), said
    assert "protected='Gender'" in said and "named twice" not in said


def test_a_list_or_index_of_names_is_still_taken(tmp_path: Path) -> None:
    data = frame()
    model.classes_ = ["no", "yes"]  # type: ignore[attr-defined]
    for names in (["Gender"], data.columns[[1]]):
        r = assay.check_fairness(
            model, data=data, protected=names, max_queries=200, store=tmp_path / "s.db"
        )
        assert r.status in ("completed", "budget_exhausted")
