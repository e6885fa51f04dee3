"""left44s: ``ASSAY_CHECKPOINT_SECONDS`` or ``ASSAY_MAX_STATE_MB`` mistyped in a CI job's
environment was refused only once the run was made (a failed run left behind; a resumed run
marked failed), and ``ASSAY_MAX_STATE_MB=inf`` was an internal error (exit 5).  Both are
refused before any run is made or touched (exit 2, naming the variable)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()

RUNS = {
    "fairness": ["fairness", "builtin:tree", "--dataset", "german", "--protected", "sex"],
    "text": ["text", "builtin:tfidf", "builtin:tfidf-nonegation", "--grammar", "builtin:reviews"],
    "backdoor": ["backdoor", "builtin:trojan"],
}
BAD = [
    ("ASSAY_CHECKPOINT_SECONDS", "abc"),
    ("ASSAY_MAX_STATE_MB", "inf"),
    ("ASSAY_MAX_STATE_MB", "lots"),
]


@pytest.mark.parametrize("technique", sorted(RUNS))
@pytest.mark.parametrize(("variable", "value"), BAD)
def test_a_mistyped_variable_is_refused_before_the_run_is_made(
    tmp_path: Path, technique: str, variable: str, value: str
) -> None:
    store = tmp_path / "r.db"
    got = runner.invoke(
        app,
        [*RUNS[technique], "--max-queries", "500", "--store", str(store)],
        env={variable: value},
    )
    assert got.exit_code == 2, got.output
    assert f"argument {variable}" in got.output and repr(value) in got.output
    assert not store.exists() or not RunStore(store).list_runs()  # (no failed run left)


def test_a_mistyped_variable_leaves_a_resumed_run_as_it_was(tmp_path: Path) -> None:
    store = tmp_path / "r.db"
    made = runner.invoke(app, [*RUNS["fairness"], "--max-queries", "500", "--store", str(store)])
    assert made.exit_code in (0, 1), made.output
    run_id = RunStore(store).list_runs()[0].id
    RunStore(store).checkpoint(run_id, status="interrupted")  # (as a CI timeout leaves it)
    got = runner.invoke(
        app, ["resume", run_id, "--store", str(store)], env={"ASSAY_MAX_STATE_MB": "inf"}
    )
    assert got.exit_code == 2, got.output
    assert "argument ASSAY_MAX_STATE_MB" in got.output
    assert RunStore(store).get_run(run_id).status == "interrupted"
