"""mutation38: ``assay show`` of a run whose model failed after its search says the status
its search ended with beside "unfinished" (RC10 in bench/RESULTS.md, mutation38's table)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app

from test_left37b_unfinished_status import MODEL, _data  # isort: skip


def test_show_says_what_the_search_ended_with(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    _data(tmp_path / "d.csv")
    store = str(tmp_path / "s.db")
    res = CliRunner().invoke(
        app,
        [
            *("fairness", f"{tmp_path / 'm.py'}:f", "--data", str(tmp_path / "d.csv")),
            *("--protected", "sex", "--max-queries", "200", "--seed", "1", "--store", store),
        ],
    )
    assert res.exit_code == 3, res.output
    line = next(s for s in res.output.splitlines() if s.endswith("findings stored"))
    run_id = line.split()[1].rstrip(":")
    shown = CliRunner().invoke(app, ["show", run_id, "--store", store]).output
    status = next(s for s in shown.splitlines() if s.startswith("status"))
    assert status.split(None, 1)[1] == "unfinished (its search ended: completed)", status
