"""``--json``'s headline says NOTHING WAS TESTED first, as the terminal and the reports do.

An untested run's ``--json`` result gave the reason in ``untested`` but its ``summary``'s
headline bare ("no discriminatory input found for sex ..."): a CI step reading only the
headline read a pass (text32's Left).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_an_untested_runs_json_headline_says_so(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(
        "import numpy as np\ndef const(rows):\n    return np.zeros(len(rows), dtype=int)\n",
        encoding="utf-8",
    )
    rows = ["age,sex,hours", "30,M,40", "50,F,20", "40,M,45", "25,F,50", "60,M,30", "35,F,38"]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "assay", "fairness", "m.py:const", "--data", "d.csv"),
            *("--protected", "sex", "--max-queries", "200", "--seed", "1", "--json"),
            *("--store", str(tmp_path / "r.db")),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    doc = json.loads(done.stdout)
    assert doc["untested"]
    assert doc["headline"].startswith("NOTHING WAS TESTED: "), doc["headline"]
    assert doc["summary"]["headline"] == doc["headline"]
    assert "no discriminatory input found for sex" in doc["headline"]
    # ``assay show --json`` and ``assay runs --json`` print the stored record: its headline
    # beside it as the terminal says it (the summary's own is as the run stored it)
    for args in (["show", doc["run_id"]], ["runs"]):
        listed = subprocess.run(
            [sys.executable, "-m", "assay", *args, "--store", str(tmp_path / "r.db"), "--json"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert listed.returncode == 0, listed.stderr
        shown = json.loads(listed.stdout)
        record = shown if args[0] == "show" else shown["runs"][0]
        assert record["headline"] == doc["headline"], record["headline"]
