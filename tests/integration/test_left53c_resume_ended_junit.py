"""``assay resume RUN --junit j.xml`` of a run that already ended (the next CI job, after a
timeout that came as the run ended) wrote no JUnit file: exit 2, "nothing to resume", and CI
read no report (hostile53b Left 4).  Now the run's verdict is written, as ``assay report``
writes it, and the command exits with it."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

from test_hostile53b_named_code import _assay as _in  # isort: skip


def test_resuming_an_ended_run_writes_its_verdicts_junit(tmp_path: Path) -> None:
    def assay(*args: str) -> object:
        return _in(tmp_path, tmp_path / "state", list(args))

    done = assay(
        "fairness", "--dataset", "german", "--protected", "sex", "--max-queries", "300",
        "--seed", "1", "--store", "s.db",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr  # type: ignore[attr-defined]
    with sqlite3.connect(tmp_path / "s.db") as db:
        (run_id,) = db.execute("select id from runs").fetchone()
    again = assay("resume", run_id, "--store", "s.db", "--junit", "ci/j.xml")
    assert again.returncode == done.returncode, again.stderr  # type: ignore[attr-defined]
    assert "already ended" in again.stderr and "nothing to resume" in again.stderr  # type: ignore[attr-defined]
    suite = ET.parse(tmp_path / "ci" / "j.xml").getroot()
    assert suite.get("errors") in (None, "0"), ET.tostring(suite)
