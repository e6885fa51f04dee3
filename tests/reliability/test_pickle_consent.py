"""Loading a pickle runs code: it happens only when the command at hand says --allow-pickle.
A stored run remembers that its first command allowed it; ``assay verify RUN`` and ``assay
resume RUN`` must not take that as consent (the store may come from elsewhere, and the file
at the stored path may have been replaced since)."""

from __future__ import annotations

import pickle
from pathlib import Path

import joblib
import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()


class _Planted:
    """Unpickling it writes a marker file: proof that the pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (f"import pathlib; pathlib.Path({str(self.marker)!r}).write_text('x')",))


def _pickle_run(tmp_path: Path) -> tuple[Path, Path, str]:
    from sklearn.tree import DecisionTreeClassifier

    rng = np.random.default_rng(0)
    x = np.column_stack([rng.integers(0, 100, 300), rng.integers(0, 2, 300)])
    (tmp_path / "people.csv").write_text("age,sex\n" + "\n".join(f"{a},{s}" for a, s in x) + "\n")
    model = tmp_path / "model.pkl"
    tree = DecisionTreeClassifier(random_state=0).fit(x, (x[:, 0] > 50) & (x[:, 1] == 1))
    joblib.dump(tree, model)
    store = tmp_path / "runs.db"
    result = runner.invoke(
        app,
        [
            "fairness", str(model), "--allow-pickle", "--data", str(tmp_path / "people.csv"),
            "--protected", "sex", "--max-queries", "2000", "--seed", "1", "--store", str(store),
        ],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    run_id = RunStore(store).list_runs()[0].id
    return model, store, run_id


def test_verify_and_resume_load_a_pickle_only_with_allow_pickle(tmp_path: Path) -> None:
    model, store, run_id = _pickle_run(tmp_path)
    marker = tmp_path / "loaded.txt"
    good = model.read_bytes()
    with model.open("wb") as fh:  # the file at the stored path replaced by another pickle
        pickle.dump(_Planted(marker), fh)

    result = runner.invoke(app, ["verify", run_id, "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert "--allow-pickle" in result.output
    assert not marker.exists()

    RunStore(store).checkpoint(run_id, status="interrupted")
    result = runner.invoke(app, ["resume", run_id, "--store", str(store), "--force"])
    assert result.exit_code == 2, result.output
    assert "--allow-pickle" in result.output
    assert not marker.exists()

    model.write_bytes(good)  # the run's own file, and consent given again: it loads
    result = runner.invoke(app, ["verify", run_id, "--store", str(store), "--allow-pickle"])
    assert result.exit_code == 1, result.output
    result = runner.invoke(app, ["resume", run_id, "--store", str(store), "--allow-pickle"])
    assert result.exit_code == 1, result.output


def test_the_printed_resume_line_of_a_pickle_run_allows_it(tmp_path: Path) -> None:
    from assay.cli.reporting import resume_command

    line = resume_command("r1", "runs.db", "assay fairness m.pkl --allow-pickle --data d.csv")
    assert line.endswith("--allow-pickle")
    assert "--allow-pickle" not in resume_command("r1", "runs.db", "assay fairness m.skops")


def test_the_api_resumes_a_pickle_run_only_when_allowed(tmp_path: Path) -> None:
    from assay.api import resume_run
    from assay.errors import UsageError

    _, store, run_id = _pickle_run(tmp_path)
    the_store = RunStore(store)
    the_store.checkpoint(run_id, status="interrupted")
    with pytest.raises(UsageError, match=r"--allow-pickle"):
        resume_run(run_id, store=the_store)
    assert resume_run(run_id, store=the_store, allow_pickle=True).status == "completed"
