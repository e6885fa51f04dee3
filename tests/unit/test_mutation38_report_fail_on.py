"""mutation38: the report document's exit code is the run's verdict under the run's own
``--fail-on`` (DO2 in bench/RESULTS.md, mutation38's table: under the mutant, judged at 0, a
run whose findings were all under its threshold read exit 1 in its ``--report`` file while
the command exited 0)."""

from __future__ import annotations

import json
from pathlib import Path

from test_hostile37b_json_verdicts import FAILS, _fairness  # isort: skip


def test_the_report_file_judges_by_the_runs_fail_on(tmp_path: Path) -> None:
    kept = tmp_path / "r.json"
    code, run = _fairness(tmp_path, FAILS, "--fail-on", "1.0", "--report", str(kept))
    stored = json.loads(kept.read_text(encoding="utf-8"))
    assert stored["run"]["n_findings"] > 0
    assert code == run["exit_code"] == stored["exit_code"], (code, stored["verdict"])


def test_a_run_that_ended_is_shown_with_its_status(tmp_path: Path) -> None:
    """FI2: a run that ended and has nothing to finish is shown "completed", not
    "unfinished" (``show --json``)."""
    from test_hostile37b_json_verdicts import _invoke  # isort: skip

    _, run = _fairness(tmp_path, FAILS)
    _, shown = _invoke(["show", str(run["run_id"]), "--store", str(tmp_path / "s.db")])
    assert shown["status"] == shown["search_status"] == "completed", shown["status"]
