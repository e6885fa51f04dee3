"""A model that fails in the middle of a run: exit 3, the findings made before it kept in the
store and said so, with the line that resumes the run; never a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

FAILS_LATER = '''
import numpy as np

calls = [0]


def fails_later(x):
    """Favours sex == 1 (plenty found at once), then raises from its 40th call on."""
    calls[0] += 1
    if calls[0] >= 40:
        raise RuntimeError("the feature store went away")
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 60) | ((x[:, -1] == 1) & (x[:, 0] > 40))).astype(int)
'''


def test_a_model_failing_mid_run_keeps_its_findings_and_says_how_to_resume(
    workdir: Path, tmp_path: Path
) -> None:
    (tmp_path / "failing.py").write_text(FAILS_LATER)
    store = tmp_path / "runs.db"
    register()
    args = ["fairness", f"{tmp_path / 'failing.py'}:fails_later", "--data"]
    args += [str(workdir / "people.csv"), "--protected", "sex", "--seed", "4"]
    args += ["--store", str(store), "--no-overlap", "--max-queries", "200000"]
    result = CliRunner().invoke(app, args)
    said = result.output
    assert result.exit_code == 3, said
    assert "the model failed" in said and "the feature store went away" in said
    assert "Traceback" not in said
    assert "Findings made before the failure stay in the store." in said
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        # (its search ended first, its space covered: the model failed in its answer, so the
        # run keeps its ended status and its resume finishes it: resume30b)
        assert run.status == "completed" and run.n_findings > 0
    # (printed "unfinished": its headline says the run did not finish; left37b)
    assert f"finish it (no new search) with: assay resume {run.id}" in said
    assert f"run {run.id}: unfinished, {run.n_findings:,} findings stored" in said
