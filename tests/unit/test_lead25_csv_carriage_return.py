"""A table exported as CSV reads back as written when a value holds a carriage return (a
category or a label answered as ``"neg\\r"``): every cell is quoted then."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from assay.core.exports import write_table


def test_a_carriage_return_in_a_value_reads_back_whole(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "idi": [1, 1],
            "job": pd.Categorical(["clerk\r", "nurse"]),
            "note": ["a\rb", "plain"],
            "income": [1.5, 2.0],
        }
    )
    path = write_table(frame, tmp_path / "out.csv")
    back = pd.read_csv(path, keep_default_na=False)
    assert len(back) == 2
    assert back["job"].tolist() == ["clerk\r", "nurse"]
    assert back["note"].tolist() == ["a\rb", "plain"]
    assert back["income"].tolist() == [1.5, 2.0]


def test_a_table_without_one_is_written_as_before(tmp_path: Path) -> None:
    frame = pd.DataFrame({"job": ["clerk", "nurse"], "n": [1, 2]})
    path = write_table(frame, tmp_path / "out.csv")
    assert path.read_text() == "job,n\nclerk,1\nnurse,2\n"
