"""The CLI end to end: exit codes, usage errors, reports, runs/show/report/verify."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import skops.io
from sklearn.tree import DecisionTreeClassifier
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def biased(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A model that gives sex=1 a better outcome for mid-range x, saved with skops, + data."""
    d = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.integers(0, 50, n)
    z = rng.integers(0, 10, n)
    sex = rng.integers(0, 2, n)
    y = ((x > 30) | ((sex == 1) & (x > 20))).astype(int)
    X = np.column_stack([x, z, sex])
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    path = d / "model.skops"
    skops.io.dump(model, path)
    csv = d / "people.csv"
    lines = ["x,z,sex,label"] + [
        f"{a},{b},{c},{t}" for a, b, c, t in zip(x, z, sex, y, strict=True)
    ]
    csv.write_text("\n".join(lines) + "\n")
    return path, csv


def test_fairness_finds_bias_writes_reports_and_exits_1(
    biased: tuple[Path, Path], tmp_path: Path
) -> None:
    model, csv = biased
    store = tmp_path / "runs.db"
    code, out = _invoke(
        "fairness",
        str(model),
        "--data",
        str(csv),
        "--label",
        "label",
        "--protected",
        "sex",
        "--max-queries",
        "20000",
        "--seed",
        "5",
        "--store",
        str(store),
        "--estimate",
        "--html",
        str(tmp_path / "r.html"),
        "--junit",
        str(tmp_path / "r.xml"),
        "--report",
        str(tmp_path / "r.json"),
    )
    assert code == 1, out
    assert "seed 5" in out and "to reproduce: assay fairness" in out
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["findings"]["total"] > 0
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    run_id = doc["run"]["id"]
    code, out = _invoke("runs", "--store", str(store))
    assert code == 0 and run_id in out
    code, out = _invoke("show", run_id[:20], "--store", str(store))
    assert code == 0 and "findings" in out
    code, out = _invoke("verify", run_id, "--store", str(store))
    assert code == 1 and "still fail" in out
    # the same findings replayed against a model that ignores sex: none fails any more
    rng = np.random.default_rng(3)
    X = np.column_stack(
        [rng.integers(0, 50, 2000), rng.integers(0, 10, 2000), rng.integers(0, 2, 2000)]
    )
    fixed = tmp_path / "fixed.skops"
    skops.io.dump(DecisionTreeClassifier(random_state=0).fit(X, (X[:, 0] > 30).astype(int)), fixed)
    code, out = _invoke("verify", run_id, "--store", str(store), "--model", str(fixed))
    assert code == 0 and "0 of" in out and "still fail" in out
    code, out = _invoke(
        "report", run_id, "--store", str(store), "--html", str(tmp_path / "again.html")
    )
    assert code == 1 and (tmp_path / "again.html").exists()  # the run's verdict (left26)


def test_fair_model_exits_0(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.integers(0, 50, 2000), rng.integers(0, 2, 2000)])
    y = (X[:, 0] > 25).astype(int)
    model = DecisionTreeClassifier(random_state=0).fit(X, y)
    path = tmp_path / "fair.skops"
    skops.io.dump(model, path)
    csv = tmp_path / "d.csv"
    csv.write_text("x,sex\n" + "\n".join(f"{a},{b}" for a, b in X) + "\n")
    code, out = _invoke(
        "fairness",
        str(path),
        "--data",
        str(csv),
        "--protected",
        "sex",
        "--max-queries",
        "5000",
        "--store",
        str(tmp_path / "runs.db"),
        "--seed",
        "2",
    )
    assert code == 0, out
    assert "no discriminatory input found" in out


def test_background_calls_find_what_inline_calls_find(
    biased: tuple[Path, Path], tmp_path: Path
) -> None:
    model, csv = biased
    store = tmp_path / "runs.db"
    ids = []
    for flag in ("--overlap", "--no-overlap"):
        code, out = _invoke(
            "fairness",
            str(model),
            "--data",
            str(csv),
            "--label",
            "label",
            "--protected",
            "sex",
            "--max-queries",
            "30000",
            "--seed",
            "9",
            "--store",
            str(store),
            flag,
            "--json",
        )
        assert code == 1, out
        doc = json.loads(out[out.index("\n{") :])  # after the notes (stderr)
        assert "overlap" not in doc["command"]  # not needed to reproduce the findings
        ids.append(doc["run_id"])
    runs = RunStore(store)
    a, b = (np.concatenate([x.inputs for x in runs.iter_batches(i)]) for i in ids)
    assert len(a) == 100 and np.array_equal(a, b)  # all 100 discriminatory classes, same order


@pytest.mark.parametrize(
    ("case", "needle"),
    [
        ("unknown-protected", "'gender' is not a column"),
        ("non-numeric", "bad.csv:3: row 2, column 'z'"),
        ("empty", "empty"),
        ("width", "features"),
    ],
)
def test_usage_errors_exit_2(
    biased: tuple[Path, Path], tmp_path: Path, case: str, needle: str
) -> None:
    model, csv = biased
    args = ["fairness", str(model), "--store", str(tmp_path / "runs.db"), "--max-queries", "1000"]
    if case == "unknown-protected":
        args += ["--data", str(csv), "--protected", "gender"]
    elif case == "non-numeric":
        bad = tmp_path / "bad.csv"
        bad.write_text("x,z,sex\n1,2,0\n3,abc,1\n")
        schema = tmp_path / "s.yaml"
        schema.write_text(
            "features:\n  - {name: x, type: integer, low: 0, high: 49}\n"
            "  - {name: z, type: integer, low: 0, high: 9}\n"
            "  - {name: sex, type: integer, low: 0, high: 1}\nprotected: [sex]\n"
        )
        args += ["--data", str(bad), "--schema", str(schema)]
    elif case == "empty":
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        args += ["--data", str(empty), "--protected", "sex"]
    else:
        schema = tmp_path / "two.yaml"
        schema.write_text(
            "features:\n  - {name: x, type: integer, low: 0, high: 49}\n"
            "  - {name: sex, type: integer, low: 0, high: 1}\nprotected: [sex]\n"
        )
        args += ["--schema", str(schema)]
    code, out = _invoke(*args)
    assert code == 2, out
    assert needle in out
    assert "Traceback" not in out


def test_model_that_breaks_mid_run_keeps_earlier_findings(tmp_path: Path) -> None:
    """A model that fails after a while: exit 3, a clear message, findings kept."""
    from assay.api import check_fairness
    from assay.core.model import Capabilities
    from assay.core.store import RunStore
    from assay.errors import ModelError
    from assay.fairness.schema import Feature, Schema

    class Flaky:
        capabilities = Capabilities(modality="tabular", n_classes=2, outputs="labels")

        def __init__(self) -> None:
            self.calls = 0

        def predict(self, x: np.ndarray, /) -> np.ndarray:
            self.calls += 1
            if self.calls > 40:
                raise RuntimeError("GPU fell off the bus")
            x = np.asarray(x, dtype=float)
            return ((x[:, 0] > 20) & (x[:, 1] == 1)).astype(int)

    schema = Schema(
        (
            Feature("x", "integer", 0, 49),
            Feature("sex", "integer", 0, 1),
            # (a space the search cannot cover in 40 calls: rounds are topped up to their size)
            Feature("z", "integer", 0, 9999),
        ),
        protected=("sex",),
    )
    store = RunStore(tmp_path / "runs.db")
    with pytest.raises(ModelError, match="GPU fell off the bus"):
        check_fairness(Flaky(), schema=schema, store=store, seed=3, max_queries=10**7)
    (run,) = store.list_runs()
    assert run.status == "failed" and "GPU fell off the bus" in (run.error or "")
    assert run.n_findings > 0
