"""left53 (left52b's item 4, NOT done there): a data file's IDI names the line of the data
row it is.  pandas gives no line numbers and skips blank lines, so the line is found as a
bad value's is (``fairness.row_lines``: the file read again, its records counted as pandas
reads them), once for all the IDIs, only when the findings frame is asked for (never
during the search).  A DataFrame's IDIs keep their index labels (``row``, left52)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

import assay


def predict(frame: pd.DataFrame) -> np.ndarray:
    return ((frame["sex"] == "M") & (frame["income"] > 50)).astype(int).to_numpy()


def _rows(n: int) -> list[tuple[int, str, int]]:
    rng = np.random.default_rng(0)
    return [
        (int(rng.integers(20, 70)), "MF"[int(rng.integers(2))], int(rng.integers(1, 100)))
        for _ in range(n)
    ]


def _check(path: Path, tmp_path: Path, read: dict[int, tuple[int, int]], **more: str) -> None:
    result = assay.check_fairness(
        predict, path, protected="sex", max_queries=1500, seed=0, store=tmp_path / "s.db", **more
    )
    frame = result.findings(limit=None)
    assert "line" in frame.columns and "row" not in frame.columns  # (main: neither)
    named = frame[frame["line"].notna()]
    assert len(named) > 10, frame
    for _, idi in named.iterrows():  # each named line holds that data row (age, income)
        assert read[int(idi["line"])] == (idi["age"], idi["income"]), idi
    assert frame.loc[frame["line"].isna(), "idi"].size + len(named) == len(frame)


def test_a_csvs_idis_name_their_rows_lines_blank_lines_and_line_breaks_counted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "d.csv"
    text, read, line = ['age,sex,income,"a\nnote"\n'], {}, 3
    for i, (age, sex, income) in enumerate(_rows(300)):
        if i % 40 == 5:
            text.append("\n")  # (pandas skips it)
            line += 1
        note = '"two\nlines"' if i % 60 == 9 else "x"
        text.append(f"{age},{sex},{income},{note}\n")
        read[line] = (age, income)
        line += 1 + note.count("\n")
    path.write_text("".join(text), encoding="utf-8")
    _check(path, tmp_path, read)


def test_a_json_lines_files_idis_name_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    text, read, line = [], {}, 1
    for i, (age, sex, income) in enumerate(_rows(300)):
        if i % 50 == 3:
            text.append("\n")
            line += 1
        text.append(json.dumps({"age": age, "sex": sex, "income": income}) + "\n")
        read[line] = (age, income)
        line += 1
    path.write_text("".join(text), encoding="utf-8")
    _check(path, tmp_path, read)


def test_rows_set_aside_before_a_row_leave_its_line_its_own(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    text, read, line = ["age,sex,income\n"], {}, 2
    for i, (age, sex, income) in enumerate(_rows(300)):
        if i % 30 == 4:  # an empty income: set aside (missing="drop")
            text.append(f"{age},{sex},\n")
            line += 1
            continue
        text.append(f"{age},{sex},{income}\n")
        read[line] = (age, income)
        line += 1
    path.write_text("".join(text), encoding="utf-8")
    _check(path, tmp_path, read, missing="drop")
