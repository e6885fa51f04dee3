"""A notebook user's DataFrame with no rows (a filter that kept none: ``frame[frame.x > 99]``)
was refused as "column 'age' holds no values: if the model does not take it, set it aside
(--drop age ...)": it blamed the first column, and dropping it blamed the next.  The frame
is named as having no rows, with its columns; a file of a header alone was already so."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import assay
from assay.core.store import RunStore
from assay.errors import UsageError


def male(rows: pd.DataFrame) -> np.ndarray:
    return (np.asarray(rows["sex"]) == "Male").astype(int)


male.classes_ = ["no", "yes"]  # type: ignore[attr-defined]


def test_a_frame_without_rows_is_named_so(tmp_path: Path) -> None:
    people = pd.DataFrame({"age": [30, 41], "sex": ["Male", "Female"], "hours": [40, 20]})
    kept = people[people["age"] > 99]  # nobody
    with pytest.raises(UsageError) as caught:
        assay.check_fairness(
            male, data=kept, protected="sex", max_queries=500, store=RunStore(tmp_path / "r.db")
        )
    said = str(caught.value)
    assert "has no rows" in said and "age, sex, hours" in said, said
    assert "holds no values" not in said and "--drop" not in said, said
    assert caught.value.argument in ("--data", "data"), caught.value.argument
