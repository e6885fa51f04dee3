"""A model answering NaN (or one answer too few) failed only once a run was made: its first
call (loading's probe of two inputs) was not checked, the run's first batch was, and the run
ended failed (exit 3) with no finding and "once the problem is fixed, continue with: assay
resume RUN".  The probe's answer is checked for non-finite numbers and its length: exit 3,
"No run was made"."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
MODELS = (
    "import numpy as np\n"
    "def table(rows):\n"
    "    out = np.zeros((len(rows), 2))\n"
    "    out[:, 0] = np.nan\n"
    "    return out\n"
    "table.classes_ = ['no', 'yes']\n"
    "def text(batch):\n"
    "    return np.full((len(batch), 2), np.nan)\n"
    "text.classes_ = ['neg', 'pos']\n"
    "def short(rows):\n"
    "    return [0] * (len(rows) - 1)\n"
    "short.classes_ = ['no', 'yes']\n"
)


def _no_run(store: Path) -> bool:
    return not store.exists() or not RunStore(store, read_only=True).list_runs()


@pytest.mark.parametrize(
    ("name", "said"), [("table", "non-finite value"), ("short", "returned 1 answer for 2")]
)
def test_a_table_model_answering_badly_is_refused_before_a_run(
    tmp_path: Path, name: str, said: str
) -> None:
    (tmp_path / "m.py").write_text(MODELS, encoding="utf-8")
    rows = ["age,sex"] + [f"{20 + i},{'FM'[i % 2]}" for i in range(20)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = tmp_path / "runs.db"
    result = CliRunner().invoke(
        app,
        [
            "fairness", f"{tmp_path}/m.py:{name}", "--data", str(tmp_path / "d.csv"),
            "--protected", "sex", "--max-queries", "500", "--store", str(store),
        ],
    )  # fmt: skip
    out = " ".join(result.output.split())
    assert result.exit_code == 3, out
    assert said in out and "No run was made" in out, out
    assert _no_run(store), out


def test_a_text_classifier_answering_nan_is_refused_before_a_run(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODELS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(
        'S -> "the tea is" N "good"\nN -> "" | "not"\n%directional N: "" -> "not" away\n'
    )
    store = tmp_path / "runs.db"
    result = CliRunner().invoke(
        app,
        [
            "text", f"{tmp_path}/m.py:text", "--grammar", str(tmp_path / "g.cfg"),
            "--oracle", "directional", "--max-queries", "200", "--store", str(store),
        ],
    )  # fmt: skip
    said = " ".join(result.output.split())
    assert result.exit_code == 3, said
    assert "non-finite value" in said and "No run was made" in said, said
    assert _no_run(store), said
