"""A run whose model failed after its search ended (its determinism section and closing
records not added) is "unfinished" wherever its status is printed: the run command's line,
``assay show`` (terminal and ``--json``) and ``assay runs``.  On main they said "completed"
(the status its search stored) beside the headline's "the run did not finish" (hostile37b's
Left 4)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

register()

# answers until the answer's first (large) batch of samples is asked, then fails: after the
# search, in its answer
MODEL = """import numpy as np
LARGE = [False]
def f(rows):
    if LARGE[0]:
        raise RuntimeError("down")
    LARGE[0] = len(rows) >= 500
    rows = np.asarray(rows, dtype=object)
    return ((rows[:, 1] == "M") & (rows[:, 2].astype(float) > 38)).astype(int)
"""


def _data(path: Path) -> None:
    lines = ["age,sex,hours"]
    for i in range(60):
        lines.append(f"{20 + i % 40},{'MF'[i % 2]},{20 + (i * 7) % 40}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_run_that_failed_after_its_search_is_unfinished_everywhere(tmp_path: Path) -> None:
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
    said = " ".join(res.output.split())
    assert "NOT EVERYTHING WAS TESTED: the run's model failed after its search ended" in said
    line = next(s for s in res.output.splitlines() if s.endswith("findings stored"))
    assert ": unfinished, " in line and "completed" not in line
    run_id = line.split()[1].rstrip(":")
    shown = CliRunner().invoke(app, ["show", run_id, "--store", store]).output
    status = next(s for s in shown.splitlines() if s.startswith("status"))
    assert status.split()[1] == "unfinished"
    as_json = json.loads(
        CliRunner().invoke(app, ["show", run_id, "--store", store, "--json"]).stdout
    )
    assert as_json["status"] == "unfinished"
    assert as_json["search_status"] == "completed"  # (as stored: what its search ended with)
    listed = CliRunner().invoke(app, ["runs", "--store", store]).output
    assert f"{run_id}  unfinished" in listed
