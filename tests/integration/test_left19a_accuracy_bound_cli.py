"""``--max-accuracy-loss`` on the command line: a bad value or one without ``--retrain`` is
refused before anything is loaded (exit 2, naming the option, no store created); a good one
reaches the retraining, its summary and the rerun line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.tree import DecisionTreeClassifier

from assay.cli.app import main
from assay.core.store import RunStore


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    x, sex = rng.integers(0, 100, 600), rng.integers(0, 2, 600)
    y = np.where(sex == 1, x >= 50, x >= 90).astype(int)
    df = pd.DataFrame({"x": x, "sex": sex, "y": y})
    df.to_csv(tmp_path / "d.csv", index=False)
    skops.io.dump(
        DecisionTreeClassifier(random_state=0).fit(df[["x", "sex"]], y), tmp_path / "m.skops"
    )
    return tmp_path / "m.skops", tmp_path / "d.csv"


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--retrain", "--max-accuracy-loss", "-1"], "from 0 to 100"),
        (["--retrain", "--max-accuracy-loss", "nan"], "from 0 to 100"),
        (["--retrain", "--max-accuracy-loss", "150"], "from 0 to 100"),
        (["--retrain", "--max-accuracy-loss", "five"], "valid number"),
        (["--max-accuracy-loss", "3"], "there is no --retrain"),
    ],
)
def test_a_bad_bound_is_refused_before_anything_runs(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], extra: list[str], said: str
) -> None:
    model, data = files
    store = model.parent / "runs.db"
    args = [str(model), "--data", str(data), "--label", "y", "--protected", "sex"]
    code, out, err = _cli(capsys, "fairness", *args, "--store", str(store), *extra)
    assert code == 2, (out, err)
    assert "--max-accuracy-loss" in err and said in err and "Traceback" not in err
    assert not store.exists()


def test_the_bound_reaches_the_summary_and_the_rerun_line(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    model, data = files
    store = model.parent / "runs.db"
    args = [str(model), "--data", str(data), "--label", "y", "--protected", "sex"]
    code, out, err = _cli(
        capsys,
        "fairness",
        *args,
        "--retrain",
        "--max-accuracy-loss",
        "2.5",
        "--max-queries",
        "2000",
        "--seed",
        "1",
        "--store",
        str(store),
    )
    assert code in (0, 1), err
    run = RunStore(store).list_runs()[0]
    assert run.config["max_accuracy_loss"] == 2.5
    assert run.summary["mitigation"]["max_accuracy_loss"] == 2.5
    rerun = next(line for line in out.splitlines() if "to reproduce:" in line)
    assert "--max-accuracy-loss 2.5" in rerun
