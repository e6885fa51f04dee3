"""CSV exports opened in a spreadsheet run nothing: a category, a label or a sentence that
starts with what starts a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(1)``,
``-1+1``, a tab) is written with a leading ``'`` (OWASP's defence against CSV injection);
numbers stay numbers, JSON keeps every value as it is."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assay.core.exports import formula_safe, guard_formulas, write_table

HOSTILE = [
    '=HYPERLINK("http://evil.example/x","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "\tTAB",
    "\rCR",
    "\uff1d1+1",  # a full-width equals sign
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_starts_a_formula_is_written_as_text(text: str) -> None:
    assert formula_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["-1.5", "+3", "-2e-3", "1e5", "-.5", "clerk", "", "a=b", "'=x"])
def test_numbers_and_plain_text_stay_as_they_are(text: str) -> None:
    assert formula_safe(text) == text


def test_the_frame_is_guarded_cell_by_cell_and_header_and_counted() -> None:
    frame = pd.DataFrame(
        {
            "job": ["=1+1", "-1.5", "clerk", None],
            "n": [-1.0, 2.0, -3.0, np.nan],  # numeric columns are never touched
            "cat": pd.Categorical(["@x", "@x", "ok", "ok"]),
            "=head": [1, 2, 3, 4],
        }
    )
    before = frame.copy()
    guarded, n = guard_formulas(frame)
    assert n == 4  # "=1+1", two "@x", the header "=head"
    assert list(guarded["job"][:3]) == ["'=1+1", "-1.5", "clerk"]
    assert pd.isna(guarded["job"][3])
    assert list(guarded["cat"]) == ["'@x", "'@x", "ok", "ok"]
    assert list(guarded.columns) == ["job", "n", "cat", "'=head"]
    assert guarded["n"].equals(frame["n"])
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is left as it was
    again, m = guard_formulas(guarded)  # idempotent: a guarded cell starts with '
    assert m == 0 and again is guarded


def test_a_clean_frame_is_returned_as_it_is() -> None:
    frame = pd.DataFrame({"a": ["x", "y"], "b": [-1, 2]})
    same, n = guard_formulas(frame)
    assert n == 0 and same is frame


def test_write_table_guards_the_csv_and_keeps_json_exact(tmp_path: Path) -> None:
    frame = pd.DataFrame({"sex": HOSTILE[:4], "income": [-1.5, 2.0, -3.25, 0.0]})
    write_table(frame, tmp_path / "f.csv")
    write_table(frame, tmp_path / "f.jsonl")
    back = pd.read_csv(tmp_path / "f.csv")
    assert all(str(v).startswith("'") for v in back["sex"])
    assert list(back["income"]) == [-1.5, 2.0, -3.25, 0.0]  # numbers, read as numbers
    with (tmp_path / "f.csv").open(newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    rows = [json.loads(x) for x in (tmp_path / "f.jsonl").read_text("utf-8").splitlines()]
    assert [r["sex"] for r in rows] == HOSTILE[:4]
