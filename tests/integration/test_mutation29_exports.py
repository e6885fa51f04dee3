"""CSV exports guard spreadsheet formulas (hostile28); JSON exports keep every value and
say nothing of guarded cells (each test kills a hand-made mutant the first tests let live:
the full-width signs some locales' spreadsheets read, and the note and count of a .jsonl
export, which changes no cell)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.exports import formula_safe

register()
runner = CliRunner()


@pytest.mark.parametrize("text", ["\uff0b1+1", "\uff0dA1", "\uff20SUM(1)", "\uff1dA1"])
def test_a_full_width_formula_sign_is_guarded(text: str) -> None:
    assert formula_safe(text) == "'" + text


def _frame(n: int = 100) -> pd.DataFrame:
    return pd.DataFrame({"age": [20, 30, 40, 50] * (n // 4), "sex": ["=1+1", "@x"] * (n // 2)})


def test_a_jsonl_export_names_no_guarded_cell(tmp_path: Path) -> None:
    """``assay fairness --export idis.jsonl``: the values as they are, and no note that cells
    start with ' (none do)."""
    _frame().to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "m.py").write_text(
        "def predict(X):\n    return (X['sex'] == '=1+1').to_numpy().astype(int)\n",
        encoding="utf-8",
    )
    args = [
        "fairness", f"{tmp_path}/m.py:predict", "--data", str(tmp_path / "d.csv"),
        "--protected", "sex", "--max-queries", "300", "--seed", "1",
        "--store", str(tmp_path / "runs.db"), "--export", str(tmp_path / "idis.jsonl"),
    ]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "start with '" not in result.output
    back = pd.read_json(tmp_path / "idis.jsonl", lines=True)
    assert set(back["sex"]) == {"=1+1", "@x"}


def test_a_resumed_runs_jsonl_export_counts_no_guarded_cell(tmp_path: Path) -> None:
    import assay
    from assay.cli.runs_cmd import _export_resumed
    from assay.core.store import RunStore

    result = assay.check_fairness(
        lambda X: (X["sex"] == "=1+1").to_numpy().astype(int),
        data=_frame(),
        protected=["sex"],
        max_queries=300,
        seed=1,
        store=tmp_path / "runs.db",
    )
    assert result.n_findings > 0
    written = _export_resumed(
        result, tmp_path / "r.jsonl", RunStore(tmp_path / "runs.db"), "fairness"
    )
    assert written["guarded"] == 0
    assert np.all(pd.read_json(tmp_path / "r.jsonl", lines=True)["sex"].isin(["=1+1", "@x"]))
