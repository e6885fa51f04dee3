"""left46c: ``assay verify --json`` says how many witnesses were kept of the findings the run
counted, as its terminal does (report46b's Left 3): its verdict read "3 of 3 stored findings
still fail ..." beside a run that counted hundreds, with nothing saying the rest were not
kept (the terminal added "(3 witnesses were kept of the N findings the run counted; ...)")."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ci22_in_process import assay_here

MODEL = """
import numpy as np


def by_sex(x):
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 40) | (x[:, 2] > 0)).astype(int)


by_sex.classes_ = [0, 1]
"""


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], keep: str) -> tuple[str, int]:
    (tmp_path / "m.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex"] + [
        f"{rng.integers(18, 80)},{rng.integers(10, 60)},{rng.integers(0, 2)}" for _ in range(200)
    ]
    (tmp_path / "people.csv").write_text("\n".join(rows) + "\n")
    args = ["m.py:by_sex", "--data", "people.csv", "--protected", "sex", "--seed", "1"]
    args += ["--max-queries", "2000", "--store", "s.db", "--keep-findings", keep]
    done = assay_here(capsys, "fairness", *args, cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    run_id = re.search(r"\b(fairness-[0-9]+-[0-9]+-[0-9a-f]+)", done.stdout)
    assert run_id is not None, done.stdout
    found = re.search(r"([0-9,]+) discriminatory inputs", done.stdout)
    assert found is not None, done.stdout
    return run_id.group(1), int(found[1].replace(",", ""))


def _verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], run_id: str
) -> tuple[str, dict[str, Any]]:
    said = assay_here(capsys, "verify", run_id, "--store", "s.db", cwd=tmp_path)
    as_json = assay_here(capsys, "verify", run_id, "--store", "s.db", "--json", cwd=tmp_path)
    assert said.returncode == as_json.returncode == 1, said.stdout + said.stderr
    return said.stdout, json.loads(as_json.stdout)


def test_verify_json_says_the_witnesses_kept_of_those_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_id, counted = _run(tmp_path, capsys, "3")
    said, doc = _verify(tmp_path, capsys, run_id)
    kept = doc["findings"]  # (--keep-findings 3 keeps a few of each kind: 65 of 840 here)
    assert 0 < kept < counted, (kept, counted)
    line = (
        f"({kept:,} witnesses were kept of the {counted:,} findings the run counted; "
        "--keep-findings all keeps every one)"
    )
    assert line in said.splitlines(), said
    # main: the verdict ended at "(exit 1)", the line nowhere in the JSON
    assert doc["verdict"].endswith(f"(exit 1) {line}"), doc["verdict"]
    assert doc["kept_note"] == line and doc["run_counted"] == counted


def test_verify_json_says_nothing_of_it_when_every_witness_was_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_id, counted = _run(tmp_path, capsys, "all")
    said, doc = _verify(tmp_path, capsys, run_id)
    assert "witnesses were kept" not in said and doc["kept_note"] is None
    assert doc["verdict"].endswith("(exit 1)") and doc["findings"] == counted
