"""``assay report RUN --json`` (the report document, and a ``--report`` file a CI job
keeps), ``assay show RUN --json``, ``assay runs --json`` and ``assay verify --json`` carry the
exit code and the verdict line, as a run command's ``--json`` does (hostile37).  On main the
report document held the counts and the headline alone (its verdict went to stderr), and
verify's JSON its counts: ``no_longer_failing`` 89, ``still_failing`` 0 of a model that
answers one class to everything read as a fix (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register

register()

ROWS = ["age,sex,hours", "30,M,40", "50,F,20", "40,M,45", "25,F,50", "60,M,30", "35,F,38"]
FAILS = "(rows[:, 1] == 'M').astype(int)"
CONSTANT = "np.zeros(len(rows), dtype=int)"


def _model(tmp_path: Path, name: str, body: str) -> str:
    text = "import numpy as np\ndef f(rows):\n    rows = np.asarray(rows, dtype=object)\n"
    (tmp_path / f"{name}.py").write_text(f"{text}    return {body}\n", encoding="utf-8")
    return f"{tmp_path / name}.py:f"


def _invoke(args: list[str]) -> tuple[int, dict[str, object]]:
    res = CliRunner().invoke(app, [*args, "--json"])
    return res.exit_code, json.loads(res.stdout)


def _fairness(tmp_path: Path, body: str, *extra: str) -> tuple[int, dict[str, object]]:
    (tmp_path / "d.csv").write_text("\n".join(ROWS) + "\n", encoding="utf-8")
    return _invoke(
        [
            *("fairness", _model(tmp_path, "m", body), "--data", str(tmp_path / "d.csv")),
            *("--protected", "sex", "--max-queries", "200", "--seed", "1"),
            *("--store", str(tmp_path / "s.db"), *extra),
        ]
    )


@pytest.mark.parametrize(("body", "expected"), [(CONSTANT, 2), (FAILS, 1)])
def test_the_report_document_says_the_runs_exit_code(
    tmp_path: Path, body: str, expected: int
) -> None:
    kept = tmp_path / "r.json"
    code, run = _fairness(tmp_path, body, "--units", "2", "--report", str(kept))
    assert code == expected == run["exit_code"]
    stored = json.loads(kept.read_text(encoding="utf-8"))  # the file the run's command wrote
    code, doc = _invoke(["report", str(run["run_id"]), "--store", str(tmp_path / "s.db")])
    assert code == expected
    _, shown = _invoke(["show", str(run["run_id"]), "--store", str(tmp_path / "s.db")])
    _, listed = _invoke(["runs", "--store", str(tmp_path / "s.db")])
    for document in (doc, stored, shown, *listed["runs"]):  # type: ignore[misc]
        assert document["exit_code"] == expected
        assert document["verdict"] == run["verdict"]


@pytest.mark.parametrize(
    ("replayed", "expected", "said"),
    [(CONSTANT, 2, "NOTHING WAS TESTED"), (FAILS, 1, "still fail")],
)
def test_verifys_json_says_its_exit_code(
    tmp_path: Path, replayed: str, expected: int, said: str
) -> None:
    _, run = _fairness(tmp_path, FAILS)
    code, doc = _invoke(
        [
            *("verify", str(run["run_id"]), "--store", str(tmp_path / "s.db")),
            *("--model", _model(tmp_path, "again", replayed)),
        ]
    )
    assert code == expected == doc["exit_code"]
    assert said in str(doc["verdict"])
    assert str(doc["verdict"]).endswith(f"(exit {expected})")


def test_a_verify_whose_model_fails_does_not_say_no_run_was_made(tmp_path: Path) -> None:
    _, run = _fairness(tmp_path, FAILS)
    (tmp_path / "broken.py").write_text("def f(rows):\n    raise RuntimeError('down')\n")
    res = CliRunner().invoke(
        app,
        [
            *("verify", str(run["run_id"]), "--store", str(tmp_path / "s.db")),
            *("--model", f"{tmp_path / 'broken.py'}:f"),
        ],
    )
    assert res.exit_code == 3, res.output
    assert "No run was made" not in res.output  # (main: said, of a command that makes none)
    assert "Nothing was verified: the run and its findings are unchanged." in res.output
