"""The exit code kept with a run never misleads (status38b, status38's Left 1-3).

status38 kept with a run the exit code of the command that made or resumed it
(``command_exit_code``).  On main: an ``assay resume`` refused (exit 2: a changed model
file, a bad option) wrote "assay resume exited 2" (and its reports' paths) into the run it
left unchanged; a command killed -9 left ``null``, said as "none kept" (a run from Python);
a run whose ``--export`` could not be written (exit 2) had its outcome said and its reports
written twice, the second time as "exited 2 (... a usage error)".  Now a refused command
writes nothing to the store (its bytes and rows compared), a command that began on the run
and did not end says so, and the export's failure is the code, and the reason, the command's
own reports keep."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_status38_shown_status import _run  # (its model and data: tests/unit)
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore, close_open_stores
from assay.report import build_document

register()


def _made(tmp_path: Path, flag: str) -> tuple[str, str]:
    """status38's tiny fairness run (exit 3 with "answer": failed after its search)."""
    code, said, store, run_id = _run(tmp_path, flag)
    assert code == 3, said
    return store, run_id


def _snapshot(store: str) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """Every table's rows, then the store's files byte for byte (read after: the last
    connection's close folds the write-ahead log into the file; so does a store the test
    dropped, collected first).  The stores an in-process command left open are closed
    first, as its end does (``cli.app._quick_end``): a refused resume's clock put back after
    a beat (checks slower than a second, at load 13-15) sits in the write-ahead log until
    then, its rows as they were (mutation51: these tests failed so on main)."""
    close_open_stores()
    gc.collect()
    with sqlite3.connect(store) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = {n: sorted(map(repr, con.execute(f"SELECT * FROM {n}"))) for n in names}
    con.close()
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(store).parent.glob(Path(store).name + "*"))
        if p.is_file() and p.stat().st_size and not p.name.endswith("-shm")
    }  # (an empty log, the readers' shared index: no data)
    return rows, files


@pytest.mark.parametrize("how", ["changed model", "two models"])
def test_a_refused_resume_writes_nothing_to_the_store(tmp_path: Path, how: str) -> None:
    store, run_id = _made(tmp_path, "answer")
    (tmp_path / "flag").unlink()
    extra = ["--report", str(tmp_path / "r2.json"), "--call-timeout", "30"]
    if how == "changed model":
        with (tmp_path / "m.py").open("a", encoding="utf-8") as f:
            f.write("# changed\n")
    elif how == "two models":
        extra += ["--model", f"{tmp_path / 'm.py'}:f", "--model", f"{tmp_path / 'm.py'}:f"]
    before = _snapshot(store)
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store, *extra])
    assert res.exit_code == 2, res.output
    assert _snapshot(store) == before  # main: its configs (command_exit, reports) written
    doc = build_document(RunStore(store), run_id)
    assert doc["command_exit_code"] == 3 and doc["command_exit"].startswith("assay fairness")


def test_an_export_not_written_is_the_code_the_commands_own_report_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text run's export fails after the run (a full disk): exit 2, and its reports say
    why, written once (main: twice, the 2 said "a usage error")."""
    import errno

    import pandas as pd

    def full(self: Any, *a: Any, **k: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    res = CliRunner().invoke(
        app,
        [
            *("text", "builtin:vader", "builtin:textblob", "--grammar", "builtin:reviews"),
            *("--max-queries", "150", "--seed", "1", "--store", str(tmp_path / "runs.db")),
            *("--export", str(tmp_path / "f.csv"), "--report", str(report)),
            *("--junit", str(junit)),
        ],
    )
    assert res.exit_code == 2 and "nothing found is lost" in res.output, res.output
    # the outcome and its reports once (main: written and said again after the error)
    assert res.output.count("disagreements found in") == 1, res.output
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["exit_code"] == 1  # the run's verdict: its disagreements fail it
    assert doc["command_exit_code"] == 2, doc["command_exit"]
    assert doc["command_exit"].startswith("assay text exited 2 (its --export file was not")
    assert "assay text exited 2 (its --export file was not" in junit.read_text(encoding="utf-8")
    run_id = RunStore(tmp_path / "runs.db").list_runs()[0].id
    later = build_document(RunStore(tmp_path / "runs.db"), run_id)
    assert later["command_exit"] == doc["command_exit"]


def test_a_resume_killed_says_it_did_not_end_not_the_earlier_commands_code(
    tmp_path: Path,
) -> None:
    """kill -9 (the model kills its own process) in the resume: the run says a resume began
    and kept no code; on main ``null``, said as "none kept" (as a run made from Python)."""
    store, run_id = _made(tmp_path, "answer")
    (tmp_path / "flag").write_text("kill 0", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-m", "assay", "resume", run_id, "--store", store],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr
    doc = build_document(RunStore(store), run_id)
    assert doc["command_exit_code"] is None
    assert doc["command_exit"] is not None, "main: null, as for a run no command made"
    assert doc["command_exit"].startswith("assay resume began on the run and kept no exit code")
    assert "assay fairness exited 3" not in json.dumps(doc)


def test_a_resume_interrupted_in_its_checks_leaves_the_run_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the resume checks the run's files: main rewrote the run (its reason "the
    model failed" made "interrupted", its time) and exited with its verdict's 1."""
    store, run_id = _made(tmp_path, "answer")
    before = _snapshot(store)

    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr("assay.api.check_fingerprints", interrupted)
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store])
    assert res.exit_code == 130, res.output
    assert "interrupted before the run was resumed: it is as it was" in res.output
    assert _snapshot(store) == before
