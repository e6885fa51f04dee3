"""Answers a fairness run must not misread (hostile47s2): several numbers per input from a
model declaring no classes (a multi-output regressor's euros were read as logits, and a
planted 10 % cut passed, exit 0), while a classifier's real logits are still read (and said
so); number arguments given as strings refused by name, not by a bare ``TypeError``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()
RUN: dict[str, Any] = {"protected": "sex", "max_queries": 1500, "seed": 1}


def _people(n: int = 1200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "region": rng.choice(["N", "S", "E", "W"], n),
            "income": rng.integers(15, 120, n) * 1000,
            "debt": rng.integers(0, 50, n) * 500,
        }
    )


def _cut(x: pd.DataFrame) -> np.ndarray:
    """1 for F in region S (the planted bias), else 0."""
    return np.asarray((x["sex"] == "F") & (x["region"] == "S"), dtype=np.float64)


def _runs(store: Path) -> int:
    if not store.exists():
        return 0
    with RunStore(store) as s:
        return len(list(s.list_runs()))


def _two_limits(x: pd.DataFrame) -> np.ndarray:
    """A card limit (10 % lower for F in region S) and an overdraft, in euros."""
    limit = np.asarray(0.25 * x["income"] - 0.3 * x["debt"] + 2000, dtype=np.float64)
    return np.column_stack([limit * (1 - 0.1 * _cut(x)), 0.1 * limit])


def test_a_multi_output_regressor_is_refused_before_any_run(tmp_path: Path) -> None:
    """Read as logits (the larger column the class), it never changed class: exit 0."""
    people = _people()
    data = tmp_path / "people.csv"
    people.to_csv(data, index=False)
    module = tmp_path / "limits.py"
    module.write_text(
        "import numpy as np, pandas as pd\n\n\n"
        "def limits(x):\n"
        "    x = pd.DataFrame(x)\n"
        "    limit = np.asarray(0.25 * x['income'] - 0.3 * x['debt'] + 2000, dtype=float)\n"
        "    cut = np.asarray((x['sex'] == 'F') & (x['region'] == 'S'), dtype=float)\n"
        "    return np.column_stack([limit * (1 - 0.1 * cut), 0.1 * limit])\n"
    )
    store = tmp_path / "s.db"
    args = ["fairness", f"{module}:limits", "--data", str(data), "--protected", "sex"]
    args += ["--max-queries", "1500", "--seed", "1", "--store", str(store)]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.output.split())
    assert "2 numbers per input" in said and "--cutoff C" in said and "--classes N" in said
    assert _runs(store) == 0
    with pytest.raises(assay.UsageError, match=r"no classifier's logits.*cutoff=C") as caught:
        assay.check_fairness(_two_limits, people, store=store, **RUN)
    assert caught.value.argument == "model"  # (what is wrong; cutoff=C what to give: left48r)
    assert _runs(store) == 0


def _logits(width: int, cut: bool) -> Any:
    """A torch-style classifier's logits (``width`` of them); ``cut``: F in region S lose
    0.8 of the approving class's logit."""

    def model(x: pd.DataFrame) -> np.ndarray:
        x = pd.DataFrame(x)
        z = np.asarray(x["income"] / 40_000 - x["debt"] / 10_000 - 1.5, dtype=np.float64)
        if cut:
            z = z - 0.8 * _cut(x)
        if width == 2:
            return np.column_stack([-z / 2, z / 2])
        return np.column_stack([-z, 0.2 * z, z - 0.5])

    return model


@pytest.mark.parametrize("width", [2, 3])
def test_a_classifiers_logits_are_still_read_and_said(tmp_path: Path, width: int) -> None:
    people = _people()
    found = assay.check_fairness(_logits(width, True), people, store=tmp_path / "a.db", **RUN)
    assert found.n_findings > 0
    said = [w for w in found.warnings if "read as a classifier's logits" in w]
    assert said and f"{width} numbers per input" in said[0], found.warnings
    fair = assay.check_fairness(_logits(width, False), people, store=tmp_path / "b.db", **RUN)
    assert fair.n_findings == 0


def test_declared_classes_take_scores_of_any_size(tmp_path: Path) -> None:
    """A classifier's large scores (an SVM's decision values on raw euros) go on once its
    classes are declared, read by their largest, without the note."""

    def svm(x: pd.DataFrame) -> np.ndarray:
        x = pd.DataFrame(x)
        z = np.asarray(x["income"] - 60_000 - 30_000 * _cut(x), dtype=np.float64) / 100
        return np.column_stack([-z, z])

    result = assay.check_fairness(svm, _people(), classes=2, store=tmp_path / "s.db", **RUN)
    assert result.n_findings > 0
    assert not [w for w in result.warnings if "logits" in w]


def test_scores_past_the_bound_later_in_the_run_fail_it(tmp_path: Path) -> None:
    """Loading's first inputs answered within the bound; the run's later answers beyond it
    stop the run (a model failure), never read as logits."""
    people = _people()
    people.loc[:1, "income"] = 60_000  # (loading's first inputs: logits near 0)

    def grows(x: pd.DataFrame) -> np.ndarray:
        z = np.asarray(pd.DataFrame(x)["income"] - 60_000, dtype=np.float64) / 100
        return np.column_stack([-z, z])

    with pytest.raises(assay.ModelError, match=r"beyond \+-100.*--cutoff C"):
        assay.check_fairness(grows, people, store=tmp_path / "s.db", **RUN)


@pytest.mark.parametrize(
    "keyword, value",
    [("threshold", "0.1"), ("precision", "0.01"), ("exact_time", "5"), ("threshold", True)],
)
def test_number_arguments_given_as_strings_are_refused_by_name(
    tmp_path: Path, keyword: str, value: Any
) -> None:
    """``threshold="0.1"`` failed with a bare TypeError ('<' between int and str)."""
    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match="must be a number") as caught:
        assay.check_fairness(_logits(2, False), _people(), store=store, **{keyword: value}, **RUN)
    assert caught.value.argument == keyword
    assert _runs(store) == 0


def test_whole_euros_are_refused_at_loading(tmp_path: Path) -> None:
    """A limit rounded to the euro was refused only once a run existed (exit 3, a failed
    run stored); loading now asks 64 inputs and refuses before any run."""

    def limit(x: pd.DataFrame) -> pd.Series:
        x = pd.DataFrame(x)
        return (0.25 * x["income"] - 0.3 * x["debt"] + 2000).round().astype(int)

    store = tmp_path / "s.db"
    with pytest.raises(assay.UsageError, match=r"more than 32 distinct whole numbers.*cutoff"):
        assay.check_fairness(limit, _people(), store=store, **RUN)
    assert _runs(store) == 0


def test_an_onnx_regressor_is_refused_at_loading(tmp_path: Path) -> None:
    """An ONNX graph keeps no probe answer: its euros failed the run at its first answer
    (exit 3, a failed run stored); loading now asks it its first inputs."""
    from skl2onnx import to_onnx
    from sklearn.linear_model import LinearRegression

    people = _people().assign(
        sex=lambda f: (f["sex"] == "F").astype(float),
        region=lambda f: f["region"].map({"N": 0, "S": 1, "E": 2, "W": 3}).astype(float),
        income=lambda f: f["income"].astype(float),
        debt=lambda f: f["debt"].astype(float),
    )
    limit = 0.25 * people["income"] - 0.3 * people["debt"] + 2000
    fitted = LinearRegression().fit(people.to_numpy(np.float32), limit)
    graph = tmp_path / "limit.onnx"
    graph.write_bytes(to_onnx(fitted, people.to_numpy(np.float32)[:1]).SerializeToString())
    data = tmp_path / "people.csv"
    people.to_csv(data, index=False)
    store = tmp_path / "s.db"
    args = ["fairness", str(graph), "--data", str(data), "--protected", "sex", "--seed", "1"]
    args += ["--max-queries", "1500", "--store", str(store)]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2, refused.output
    assert "to loading's first inputs" in refused.output and "--cutoff C" in refused.output
    assert _runs(store) == 0
    decided = runner.invoke(app, [*args, "--cutoff", "20000"])
    assert decided.exit_code == 0, decided.output  # (it never reads sex)


def test_a_usage_error_inside_a_run_fails_it_without_a_resume_line(tmp_path: Path) -> None:
    """An ONNX graph taking numbers given a column of text refuses it in the run's first
    checks: the run was left 'running', shown "stalled: its process is gone", with a
    "continue with: assay resume ..." line that failed the same way (the options are kept)."""
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression

    people = _people()
    numbers = people.assign(
        sex=(people["sex"] == "F").astype(float),
        region=people["region"].map({"N": 0, "S": 1, "E": 2, "W": 3}).astype(float),
    ).to_numpy(np.float32)
    approved = (people["income"] > 60_000).astype(int)
    fitted = LogisticRegression(max_iter=500).fit(numbers, approved)
    graph = tmp_path / "approve.onnx"
    graph.write_bytes(to_onnx(fitted, numbers[:1], options={"zipmap": False}).SerializeToString())
    data = tmp_path / "people.csv"
    people.to_csv(data, index=False)  # (sex and region as text: the graph takes numbers)
    store = tmp_path / "s.db"
    args = ["fairness", str(graph), "--data", str(data), "--protected", "sex", "--seed", "1"]
    args += ["--max-queries", "1500", "--store", str(store)]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2, refused.output
    assert "takes numbers" in refused.output
    assert "continue with" not in refused.output and "stalled" not in refused.output
    assert "fix the problem in a new run" in refused.output
    with RunStore(store) as s:
        (run,) = list(s.list_runs())
        assert run.status == "failed" and "takes numbers" in str(run.error)


def test_a_model_failure_needing_other_options_prints_no_resume_line(tmp_path: Path) -> None:
    """A failure that says it needs a new run (scores past the bound: --cutoff or --classes)
    was followed by "continue with: assay resume ..." and "add --force", which kept the
    options that failed."""
    people = _people()
    people.loc[:1, "income"] = 60_000  # (loading's first inputs: logits near 0)
    data = tmp_path / "people.csv"
    people.to_csv(data, index=False)
    module = tmp_path / "grows.py"
    module.write_text(
        "import numpy as np, pandas as pd\n\n\n"
        "def grows(x):\n"
        "    z = np.asarray(pd.DataFrame(x)['income'] - 60_000, dtype=float) / 100\n"
        "    return np.column_stack([-z, z])\n"
    )
    args = ["fairness", f"{module}:grows", "--data", str(data), "--protected", "sex"]
    args += ["--max-queries", "1500", "--seed", "1", "--store", str(tmp_path / "s.db")]
    failed = runner.invoke(app, args)
    assert failed.exit_code == 3, failed.output
    assert "beyond +-100" in failed.output
    assert "continue with" not in failed.output and "--force" not in failed.output
    assert "fix the problem in a new run" in failed.output
