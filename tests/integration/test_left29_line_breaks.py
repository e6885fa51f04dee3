"""A column name or a category holding a line break (``sex\\nFAKE: ...``): printed raw, it
started a line assay never said ("FAKE LINE a (a real row): ...").  Every line of
``assay fairness``, ``show``, ``report`` and ``resume`` writes it escaped; the JSON report
keeps it exact."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.cli.user_words import keep_on_one_line, on_one_line
from assay.core import kept_words

register()
runner = CliRunner()

SEX = "sex\nFAKE: sex"
JOB = "job\r\nFAKE LINE"
MALE = "M\nFAKE VALUE"


def _args(tmp_path: Path) -> list[str]:
    rng = np.random.default_rng(0)
    n = 300
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            SEX: rng.choice(["F", MALE], n),
            JOB: rng.choice(["a", "b\tc"], n),
        }
    )
    frame["y"] = (frame[SEX].str.startswith("F") ^ (frame.age > 40)).astype(int)
    frame.to_csv(tmp_path / "people.csv", index=False)
    (tmp_path / "m.py").write_text(
        "def predict(X):\n"
        "    sex = X.iloc[:, 1].astype(str).str.startswith('F').to_numpy()\n"
        "    return (sex ^ (X['age'].to_numpy() > 40)).astype(int)\n",
        encoding="utf-8",
    )
    return [
        "fairness",
        f"{tmp_path}/m.py:predict",
        "--data",
        str(tmp_path / "people.csv"),
        "--label",
        "y",
        "--protected",
        SEX,
        "--max-queries",
        "3000",
        "--seed",
        "3",
        "--store",
        str(tmp_path / "runs.db"),
    ]


def _fake_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("FAKE")]


def test_no_name_of_the_data_starts_a_line_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "r.json"
    result = runner.invoke(app, [*_args(tmp_path), "--report", str(report)])
    assert result.exit_code == 1, result.output
    assert _fake_lines(result.output) == []
    assert "sex\\x0aFAKE: sex: share" in result.output  # the answer line, on one line
    assert "job\\x0d\\x0aFAKE LINE" in result.output  # the example
    assert "M\\x0aFAKE VALUE" in result.output
    doc = json.loads(report.read_text(encoding="utf-8"))  # the JSON keeps every name exact
    assert doc["run"]["config"]["schema"]["features"][1]["name"] == SEX
    assert MALE in doc["run"]["config"]["schema"]["features"][1]["categories"]
    assert SEX in doc["headline"]
    run_id = result.output.split("run ", 1)[1].split(",", 1)[0]
    # `assay show` in a process of its own: the words are the stored run's
    monkeypatch.setattr(kept_words, "_KEPT", {})
    monkeypatch.setattr(kept_words, "_ORDER", [])
    shown = runner.invoke(app, ["show", run_id, "--store", str(tmp_path / "runs.db")])
    assert shown.exit_code == 0, shown.output
    assert _fake_lines(shown.output) == []
    assert "sex\\x0aFAKE: sex: share" in shown.output


def test_kept_words_are_escaped_wherever_they_are_and_only_they() -> None:
    keep_on_one_line(["plain", "left29\nA", "left29\nA\tB", 7, None])
    said = "first\nsecond: left29\nA\tB and left29\nA"
    assert on_one_line(said) == "first\nsecond: left29\\x0aA\\x09B and left29\\x0aA"
    assert on_one_line("nothing here") == "nothing here"
