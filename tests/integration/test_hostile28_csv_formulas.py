"""``--export FILE.csv`` (fairness, text, ``assay report --export``) opened in a spreadsheet
runs nothing an attacker wrote: the data's categories, the classifiers' labels and the
grammar's sentences starting with ``=``, ``+``, ``-`` or ``@`` were written as they were,
and Excel or LibreOffice ran ``=HYPERLINK("http://...")`` on opening the file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()

_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _live_formulas(path: Path) -> list[str]:
    """Cells a spreadsheet would take for a formula (a plain number aside)."""
    with path.open(newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    out = []
    for c in cells:
        if c.startswith(_STARTS):
            try:
                float(c)
            except ValueError:
                out.append(c)
    return out


def test_a_fairness_export_runs_no_category_as_a_formula(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 200
    evil = '=HYPERLINK("http://evil.example/x","click")'
    pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "sex": rng.choice([evil, "@SUM(1)"], n),
            "job": rng.choice(["+cmd|' /C calc'!A0", "-1+1", "clerk"], n),
            "income": rng.normal(0, 1, n).round(2) - 3,  # negative numbers stay numbers
        }
    ).to_csv(tmp_path / "people.csv", index=False)
    (tmp_path / "m.py").write_text(
        "def predict(X):\n"
        "    return (X['sex'].astype(str).str.startswith('=')).to_numpy().astype(int)\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "fairness",
            f"{tmp_path}/m.py:predict",
            "--data",
            str(tmp_path / "people.csv"),
            "--protected",
            "sex",
            "--max-queries",
            "500",
            "--seed",
            "1",
            "--store",
            str(tmp_path / "runs.db"),
            "--export",
            str(tmp_path / "idis.csv"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "start with ' so that a spreadsheet shows them as text" in result.output
    assert _live_formulas(tmp_path / "idis.csv") == []
    back = pd.read_csv(tmp_path / "idis.csv")
    assert set(back["sex"]) == {"'" + evil, "'@SUM(1)"}
    assert (back["income"] < 0).all()  # read back as numbers


def test_a_text_export_runs_no_sentence_or_label_as_a_formula(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(
        "def a(xs):\n    return [\"=cmd|' /C calc'!A0\" if 'film' in x else 'pos' for x in xs]\n"
        "def b(xs):\n    return ['pos' for x in xs]\n",
        encoding="utf-8",
    )
    (tmp_path / "g.cfg").write_text(
        'S -> "=HYPERLINK(\\"http://evil/x\\",\\"a\\")" W | "@SUM(1)" W | "-1+1" W | "good" W\n'
        'W -> "movie" | "film"\n',
        encoding="utf-8",
    )
    store = str(tmp_path / "runs.db")
    result = runner.invoke(
        app,
        [
            "text",
            f"{tmp_path}/clf.py:a",
            f"{tmp_path}/clf.py:b",
            "--grammar",
            str(tmp_path / "g.cfg"),
            "--max-queries",
            "200",
            "--store",
            store,
            "--export",
            str(tmp_path / "t.csv"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "start with ' so that a spreadsheet shows them as text" in result.output
    assert _live_formulas(tmp_path / "t.csv") == []
    run_id = result.output.split("run ", 1)[1].split(",", 1)[0]
    for name in ("again.csv", "again.jsonl"):
        again = runner.invoke(
            app, ["report", run_id, "--store", store, "--export", str(tmp_path / name)]
        )
        assert again.exit_code == 1, again.output
    assert _live_formulas(tmp_path / "again.csv") == []
    rows = [json.loads(x) for x in (tmp_path / "again.jsonl").read_text("utf-8").splitlines()]
    assert {r["minimal"] for r in rows} >= {"@SUM(1) film", "-1+1 film"}  # JSON: as they are
    assert all(r["labels"][0] == "=cmd|' /C calc'!A0" for r in rows)


def test_a_resumed_runs_export_is_guarded_and_counted(tmp_path: Path) -> None:
    """``assay resume RUN --export FILE.csv`` writes the file as the first command did."""
    import assay
    from assay.cli.runs_cmd import _export_resumed
    from assay.core.store import RunStore

    frame = pd.DataFrame(
        {"age": [20, 30, 40, 50] * 25, "sex": ["=1+1", "@x"] * 50, "job": ["-1+1", "-2"] * 50}
    )
    result = assay.check_fairness(
        lambda X: (X["sex"] == "=1+1").to_numpy().astype(int),
        data=frame,
        protected=["sex"],
        max_queries=300,
        seed=1,
        store=tmp_path / "runs.db",
    )
    written = _export_resumed(
        result, tmp_path / "r.csv", RunStore(tmp_path / "runs.db"), "fairness"
    )
    assert written["guarded"] > 0
    assert _live_formulas(tmp_path / "r.csv") == []
    back = pd.read_csv(tmp_path / "r.csv")
    assert set(back["job"].astype(str)) <= {"'-1+1", "-2"}  # -2 is a number: kept
