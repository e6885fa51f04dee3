"""mutation47b: a run the store holds as running whose process is gone (its lock left held
by nobody: ``RunStore.give_up``, as after a kill) is listed by ``assay runs --json`` with its
headline saying so, as its status does ("stalled"); RC7 (``_headline`` reading the stored
status) said "the run had not finished when this report was made" of it, as of a run still
going; a run its process still holds keeps that note."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()
GONE = "its process is gone (killed, or its machine stopped) before the run finished"
GOING = "the run had not finished when this report was made"


def _listed(path: Path) -> dict[str, object]:
    got = runner.invoke(app, ["runs", "--store", str(path), "--json"])
    assert got.exit_code == 0, got.output
    doc, _ = json.JSONDecoder().raw_decode(got.output[got.output.index("[") :])
    (run,) = [r for r in doc if r["id"] == "fairness-1"]
    return run


def _running(path: Path) -> RunStore:
    store = RunStore(path)
    store.create_run(
        run_id="fairness-1", technique="fairness", seed=0, command="assay fairness",
        config={}, model={}, versions={},
    )  # fmt: skip
    store.checkpoint("fairness-1", status="running", progress={}, summary={"headline": "5 found"})
    return store


def test_a_run_whose_process_is_gone_says_so_in_its_headline(tmp_path: Path) -> None:
    store = _running(tmp_path / "runs.db")
    store.give_up("fairness-1")
    store.close()
    run = _listed(tmp_path / "runs.db")
    assert str(run["headline"]).startswith(f"5 found; {GONE}"), run
    assert GOING not in str(run["headline"]), run


def test_a_run_still_held_says_it_had_not_finished(tmp_path: Path) -> None:
    store = _running(tmp_path / "runs.db")
    try:
        run = _listed(tmp_path / "runs.db")
    finally:
        store.close()
    assert str(run["headline"]) == f"5 found; {GOING}", run
