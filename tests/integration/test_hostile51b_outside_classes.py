"""A labels model answering a class outside the run's known outcome classes is stopped
(exit 3) naming the class, the known classes and where they came from, what was found kept
(hostile51b; hostile15a's, hostile25a's and hostile51's leftover): an endpoint answering
``2`` on German credit's two outcomes was tested, and ``0`` against ``2`` counted as
discrimination.  ``--classes N`` declares more in a new run.  With no outcome known, the run
says which classes the model answered."""

from __future__ import annotations

import json
import zlib
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_hostile25a_serving import send_body, serve  # noqa: F401  (the fixture)
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

register()
runner = CliRunner()


def _labels(h: BaseHTTPRequestHandler, *, third: bool) -> list[int]:
    rows = json.loads(h._body)["inputs"]  # type: ignore[attr-defined]
    out = [zlib.crc32(json.dumps(r).encode()) % 2 for r in rows]
    if third and out:
        out[0] = 2  # (a class German credit's outcomes do not have)
    return out


def _said(result: object) -> str:
    return " ".join(str(getattr(result, "output", "")).split())


def test_an_endpoint_answering_a_third_class_mid_run_is_stopped_keeping_the_findings(
    serve,  # noqa: F811
    tmp_path: Path,
) -> None:
    def drifts(h: BaseHTTPRequestHandler, n: int, k: int) -> None:
        send_body(h, 200, json.dumps({"outputs": _labels(h, third=k > 80)}).encode())

    store = tmp_path / "c.db"
    result = runner.invoke(
        app,
        ["fairness", serve(drifts), "--dataset", "german", "--protected", "sex",
         "--max-queries", "20000", "--batch-size", "40", "--seed", "1",
         "--no-determinism-check", "--store", str(store)],
    )  # fmt: skip
    out = _said(result)
    assert result.exit_code == 3, out  # (main: exit 1, IDIs of 0 against 2)
    assert "the model answered class 2" in out, out
    assert "outcome classes 0 ('bad'), 1 ('good')" in out, out
    assert "built-in dataset german's label (--dataset german)" in out, out
    assert "--classes 3" in out, out
    run = RunStore(store).list_runs()[0]
    assert run.status == "failed" and run.n_findings > 0, (run.status, run.n_findings)
    assert "Findings made before the failure stay in the store" in out


def _data(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "income": rng.integers(0, 50, 300),
            "age": rng.integers(18, 70, 300),
            "sex": rng.integers(0, 2, 300),
            "approved": rng.integers(0, 2, 300),
        }
    )
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    (tmp_path / "nolabel.csv").write_text(frame.drop(columns="approved").to_csv(index=False))
    (tmp_path / "m3.py").write_text(
        "import numpy as np\n"
        "def three(X):\n"
        "    X = np.asarray(X, dtype=float)\n"
        "    return ((X[:, 0] + X[:, 1] + 7 * X[:, 2]) % 3).astype(int)\n"
    )
    return path


def test_a_local_function_answering_outside_the_label_column_is_refused_at_loading(
    tmp_path: Path,
) -> None:
    data = _data(tmp_path)
    common = ["--protected", "sex", "--max-queries", "600", "--seed", "1",
              "--store", str(tmp_path / "l.db")]  # fmt: skip
    refused = runner.invoke(
        app, ["fairness", f"{tmp_path / 'm3.py'}:three", "--data", str(data),
              "--label", "approved", *common],
    )  # fmt: skip
    out = _said(refused)
    assert refused.exit_code == 3, out  # (main: exit 1)
    assert "the model answered class 2" in out, out
    assert "outcome classes 0, 1 known from the label column 'approved' of" in out, out
    assert "(--label approved)" in out and "--classes 3" in out, out
    assert "No run was made" in out, out
    declared = runner.invoke(
        app, ["fairness", f"{tmp_path / 'm3.py'}:three", "--data", str(data),
              "--label", "approved", "--classes", "3", *common],
    )  # fmt: skip
    assert declared.exit_code in (0, 1), _said(declared)


def test_with_no_outcome_known_the_classes_answered_are_said(tmp_path: Path) -> None:
    _data(tmp_path)
    report = tmp_path / "r.json"
    result = runner.invoke(
        app,
        ["fairness", f"{tmp_path / 'm3.py'}:three", "--data", str(tmp_path / "nolabel.csv"),
         "--protected", "sex", "--max-queries", "600", "--seed", "1",
         "--store", str(tmp_path / "n.db"), "--report", str(report)],
    )  # fmt: skip
    assert result.exit_code in (0, 1), _said(result)
    assert "note: the model answered the classes 0, 1, 2" in _said(result)  # (the terminal)
    summary = json.loads(report.read_text())["run"]["summary"]
    assert summary["answered_classes"] == [0, 1, 2], summary.get("answered_classes")
    said = [n for n in summary["notes"] if n.startswith("The model answered the classes")]
    assert said and "0, 1, 2" in said[0] and "--label" in said[0], summary["notes"]
