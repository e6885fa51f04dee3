"""A report path that names one of the command's own files: ``--report runs.db`` replaced
the run store with the JSON report (every run in it lost: 'file is not a database'),
``--report people.csv`` replaced the user's data, and ``--html x --report x`` kept only the
last one written.  Each is refused before anything is loaded, and the file is untouched."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
runner = CliRunner()

MODELS = """\
import numpy as np

def biased(x):
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 50) & (x[:, 1] == 1)).astype(int)

def negation(xs):
    return np.array([0 if "not" in s.split() else 1 for s in xs])

def negation2(xs):
    return np.array([0 if "no" in s.split() else 1 for s in xs])

negation.classes_ = negation2.classes_ = ["neg", "pos"]
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "m.py").write_text(MODELS)
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.integers(0, 100, 200), rng.integers(0, 2, 200)])
    (tmp_path / "people.csv").write_text("age,sex\n" + "\n".join(f"{a},{s}" for a, s in x) + "\n")
    (tmp_path / "g.cfg").write_text('S -> "it is" N "good"\nN -> "" | "not" | "no"\n')
    store = tmp_path / "runs.db"
    result = runner.invoke(
        app,
        ["fairness", f"{tmp_path / 'm.py'}:biased", "--data", str(tmp_path / "people.csv"),
         "--protected", "sex", "--max-queries", "500", "--seed", "1", "--store", str(store)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    return {"dir": tmp_path, "store": store, "data": tmp_path / "people.csv"}


def _fairness(files: dict[str, Path], *extra: str) -> list[str]:
    d = files["dir"]
    return ["fairness", f"{d / 'm.py'}:biased", "--data", str(files["data"]), "--protected",
            "sex", "--max-queries", "500", "--seed", "1", "--store", str(files["store"]),
            *extra]  # fmt: skip


@pytest.mark.parametrize("which", ["store", "data", "model", "twice"])
def test_a_fairness_report_never_overwrites_the_commands_own_files(
    files: dict[str, Path], which: str
) -> None:
    target = {
        "store": files["store"],
        "data": files["data"],
        "model": files["dir"] / "m.py",
        "twice": files["dir"] / "r.out",
    }[which]
    before = target.read_bytes() if target.exists() else None
    extra = ["--report", str(target)]
    if which == "twice":
        extra += ["--html", str(target)]
    result = runner.invoke(app, _fairness(files, *extra))
    assert result.exit_code == 2, result.output
    assert "--report" in result.output or "--html" in result.output
    after = target.read_bytes() if target.exists() else None
    if which == "store":  # a store's header may change as its connections close
        assert after is not None and after.startswith(b"SQLite format 3\x00")
    else:
        assert after == before
    runs = runner.invoke(app, ["runs", "--store", str(files["store"])])
    assert runs.exit_code == 0 and "fairness-" in runs.output, runs.output


def test_assay_report_never_overwrites_the_store(files: dict[str, Path]) -> None:
    runs = runner.invoke(app, ["runs", "--store", str(files["store"])])
    run_id = runs.output.split()[0]
    for flag in ("--report", "--html", "--junit"):
        result = runner.invoke(
            app, ["report", run_id, "--store", str(files["store"]), flag, str(files["store"])]
        )
        assert result.exit_code == 2 and flag in result.output, result.output
    assert files["store"].read_bytes().startswith(b"SQLite format 3\x00")
    runs = runner.invoke(app, ["runs", "--store", str(files["store"])])
    assert runs.exit_code == 0 and run_id in runs.output


def test_text_and_backdoor_outputs_never_overwrite_their_inputs(files: dict[str, Path]) -> None:
    d = files["dir"]
    grammar = d / "g.cfg"
    before = grammar.read_bytes()
    result = runner.invoke(
        app,
        ["text", f"{d / 'm.py'}:negation", f"{d / 'm.py'}:negation2", "--grammar", str(grammar),
         "--max-queries", "50", "--store", str(files["store"]), "--export", str(d / "x.csv"),
         "--report", str(grammar)],
    )  # fmt: skip
    assert result.exit_code == 2 and "--report" in result.output, result.output
    assert grammar.read_bytes() == before
    clean = d / "clean.npy"
    np.save(clean, np.random.default_rng(0).random((12, 8, 8)))
    before = clean.read_bytes()
    result = runner.invoke(
        app,
        ["backdoor", f"{d / 'm.py'}:biased", "--clean", str(clean), "--input-shape", "8,8",
         "--store", str(files["store"]), "--export-filter", str(clean)],
    )  # fmt: skip
    assert result.exit_code == 2 and "--export-filter" in result.output, result.output
    assert clean.read_bytes() == before
