"""``assay verify`` of a fairness run given --model twice is refused naming the option
(bench/RESULTS.md, mutation33's table: mutant VT4, the refusal dropped, survived; the two
specs then went on as a text run's several classifiers)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()


def test_a_fairness_run_has_one_model(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import numpy as np\n"
        "def f(rows):\n"
        "    return (np.asarray(rows)[:, 0].astype(float) > 30).astype(int)\n"
        "f.classes_ = ['no', 'yes']\n",
        encoding="utf-8",
    )
    rows = ["age,sex"] + [f"{20 + i},{'FM'[i % 2]}" for i in range(20)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    store = str(tmp_path / "runs.db")
    model = f"{tmp_path}/m.py:f"
    made = CliRunner().invoke(
        app,
        [
            "fairness", model, "--data", str(tmp_path / "d.csv"), "--protected", "sex",
            "--max-queries", "200", "--store", store, "--quiet",
        ],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
    twice = CliRunner().invoke(
        app, ["verify", run.id, "--store", store, "--model", model, "--model", model]
    )
    said = " ".join(twice.output.split())
    assert twice.exit_code == 2, said
    assert "argument --model: a fairness run has one model; give --model once" in said, said
