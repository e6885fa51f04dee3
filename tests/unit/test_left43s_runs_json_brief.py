"""``assay runs --json`` lists each run's brief fields; ``--full`` gives each whole.

Each run was written whole (its config, model, versions, progress and summary): ~50 KB of
JSON for a small fairness run, 50 MB for ``--limit 1000``, for CI scripts that read ids,
statuses and verdicts.  ``assay show RUN --json`` still gives the whole record.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

RUN = "fairness-20261206-000000-0000"
BULK = "x" * 20_000  # (a summary's findings, a config's schema: the weight of a whole run)


def _store(path: Path) -> None:
    with RunStore(path) as store:
        store.create_run(
            run_id=RUN, technique="fairness", seed=1, command="assay fairness m.py:f",
            config={"schema": BULK}, model={"spec": "m.py:f"}, versions={},
        )  # fmt: skip
        store.checkpoint(RUN, status="completed", summary={"headline": "2 found", "bulk": BULK})


def _listed(path: Path, *more: str) -> tuple[int, str]:
    register()
    result = CliRunner().invoke(app, ["runs", "--store", str(path), "--json", *more])
    return result.exit_code, result.output


def test_runs_json_lists_each_runs_brief_fields(tmp_path: Path) -> None:
    _store(tmp_path / "runs.db")
    code, out = _listed(tmp_path / "runs.db")
    assert code == 0, out
    assert len(out) < 5_000  # (each run whole: over 40,000)
    (run,) = json.loads(out)["runs"]
    assert run["id"] == RUN and run["status"] == "completed" and run["headline"] == "2 found"
    assert {"exit_code", "verdict", "rerun", "resume", "n_findings", "error"} <= set(run)
    assert not {"config", "summary", "model", "versions", "progress"} & set(run)


def test_runs_json_full_gives_each_run_as_show_json_does(tmp_path: Path) -> None:
    _store(tmp_path / "runs.db")
    code, out = _listed(tmp_path / "runs.db", "--full")
    assert code == 0, out
    (run,) = json.loads(out)["runs"]
    shown = CliRunner().invoke(app, ["show", RUN, "--store", str(tmp_path / "runs.db"), "--json"])
    assert shown.exit_code == 0, shown.output
    assert set(run) == set(json.loads(shown.output)) and run["summary"]["bulk"] == BULK
    alone = CliRunner().invoke(app, ["runs", "--store", str(tmp_path / "runs.db"), "--full"])
    assert alone.exit_code == 2 and "--full is for --json" in alone.output
