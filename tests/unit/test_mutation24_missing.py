"""``--missing drop`` as a user meets it (mutation24): what the note and the refusals name when
several columns hold empty values, and which rows the messages point at once rows were set
aside from a data frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assay.errors import UsageError
from assay.fairness.loading import setup_fairness
from assay.fairness.notes import setup_notes


def _zero(x: object) -> np.ndarray:
    return np.zeros(len(x), dtype=int)  # type: ignore[arg-type]


def _frame(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "hours": rng.integers(1, 80, n).astype(float),
            "score": rng.integers(0, 10, n).astype(float),
            "sex": np.where(np.arange(n) % 2 == 0, "F", "M"),
        }
    )


def test_a_protected_attribute_left_one_valued_names_the_emptiest_column() -> None:
    """Every M row lost its hours (150 of them) and 5 F rows their score: the refusal says how
    many of how many rows were set aside, names hours (not score) as the column to fill or
    drop, and is still about --protected."""
    frame = _frame()
    frame.loc[frame["sex"] == "M", "hours"] = np.nan
    frame.loc[[0, 2, 4, 6, 8], "score"] = np.nan
    with pytest.raises(UsageError) as exc:
        setup_fairness(_zero, data=frame, protected="sex", missing="drop")
    said = str(exc.value)
    assert "set aside 155 of the 300 rows" in said, said
    assert said.endswith("the column that empties them: hours)"), said
    assert exc.value.argument == "--protected", said


def test_the_note_counts_each_column_emptiest_first_and_caps_the_list_at_six() -> None:
    frame = _frame()
    for j in range(7):  # seven more columns, column j empty in j + 1 rows
        values = np.ones(len(frame))
        values[100 + 10 * j : 100 + 10 * j + j + 1] = np.nan
        frame[f"c{j}"] = values
    setup = setup_fairness(_zero, data=frame, protected="sex", missing="drop")
    note = next(n for n in setup_notes(setup) if n.startswith("Set aside"))
    assert note.startswith("Set aside 28 of the data's 300 rows"), note
    assert "c6: 7, c5: 6, c4: 5, c3: 4, c2: 3, c1: 2, ... (7 columns)" in note, note
    assert "c0" not in note, note


def test_six_columns_are_listed_whole() -> None:
    frame = _frame()
    for j in range(5):  # with hours, six columns hold empty values
        values = np.ones(len(frame))
        values[10 * j] = np.nan
        frame[f"c{j}"] = values
    frame.loc[frame.index[-3:], "hours"] = np.nan
    setup = setup_fairness(_zero, data=frame, protected="sex", missing="drop")
    note = next(n for n in setup_notes(setup) if n.startswith("Set aside"))
    assert "hours: 3, c0: 1, c1: 1, c2: 1, c3: 1, c4: 1)" in note, note
    assert "..." not in note, note


def test_every_row_empty_somewhere_names_each_column_that_empties_them() -> None:
    frame = pd.DataFrame(
        {"age": [30, np.nan, 40], "hours": [np.nan, 2.0, 3.0], "score": [1.0, 2.0, np.nan]}
    ).assign(sex=["F", "M", "F"])
    with pytest.raises(UsageError) as exc:
        setup_fairness(_zero, data=frame, protected="sex", missing="drop")
    said = str(exc.value)
    assert "(by column: age: 1, hours: 1, score: 1)" in said, said
