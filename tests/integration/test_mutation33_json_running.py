"""``assay show --json`` of a run still running says its headline as stored: a run that has
not ended has not failed to test anything yet (bench/RESULTS.md, mutation33's table: mutant
JH4, every run's headline judged, survived ``test_lead31_json_headline.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()


def test_a_running_runs_json_headline_is_as_stored(tmp_path: Path) -> None:
    with RunStore(tmp_path / "s.db") as store:
        store.create_run(
            run_id="fairness-r", technique="fairness", seed=1, command="x", config={},
            model={}, versions={},
        )  # fmt: skip
        store.checkpoint("fairness-r", summary={"headline": "so far: 0 found", "tested": 0})
        ended = dict(store.get_run("fairness-r").summary)
    shown = CliRunner().invoke(app, ["show", "fairness-r", "--store", str(tmp_path / "s.db"),
                                     "--json"])  # fmt: skip
    assert shown.exit_code == 0, shown.output
    headline = json.loads(shown.output)["headline"]
    # (its store closed, the run reads as stalled: since report46 every output adds that it
    # has not ended, as the stored reports do; never judged as a run that tested nothing)
    assert headline.startswith("so far: 0 found"), (headline, ended)
    assert "nothing was tested" not in headline.lower(), headline
