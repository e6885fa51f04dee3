"""Reports into folders a CI job has not made yet (``--junit reports/junit.xml``): ``assay
text`` and ``assay backdoor`` made them, ``assay fairness``, ``assay report`` and ``assay
resume`` refused ("cannot write reports/junit.xml: no directory reports", exit 2: no run);
and a command stopped before its run (a usage error) wrote no JUnit file there at all (CI
read "no test report" instead of the error).  Now every command makes them (hostile53b)."""

from __future__ import annotations

import shlex
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from test_hostile53b_named_code import _assay as _in  # isort: skip


def _assay(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _in(tmp, tmp / "state", list(args))


def test_fairness_and_report_make_the_report_folders(tmp_path: Path) -> None:
    done = _assay(
        tmp_path, "fairness", "--dataset", "german", "--protected", "sex", "--max-queries",
        "300", "--seed", "1", "--store", "s.db", "--junit", "out/a/j.xml", "--report",
        "out/b/r.json", "--html", "out/c/r.html",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    for name in ("out/a/j.xml", "out/b/r.json", "out/c/r.html"):
        assert (tmp_path / name).is_file(), name
    with sqlite3.connect(tmp_path / "s.db") as db:
        (run_id,) = db.execute("select id from runs").fetchone()
    again = _assay(tmp_path, "report", run_id, "--store", "s.db", "--junit", "later/j.xml")
    assert again.returncode == done.returncode, again.stderr
    assert ET.parse(tmp_path / "later" / "j.xml").getroot().tag == "testsuites"


def test_a_usage_error_writes_its_junit_file_in_a_folder_to_make(tmp_path: Path) -> None:
    done = _assay(
        tmp_path, "text", "--demo", "--strategy", "bogus", "--store", "s.db", "--junit",
        "rep/sub/j.xml",
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    suite = ET.parse(tmp_path / "rep" / "sub" / "j.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("errors") == "1"


def test_a_file_in_the_way_is_still_refused(tmp_path: Path) -> None:
    (tmp_path / "rep").write_text("mine\n")
    done = _assay(
        tmp_path, "fairness", "--dataset", "german", "--protected", "sex", "--max-queries",
        "300", "--store", "s.db", "--junit", "rep/j.xml",
    )  # fmt: skip
    assert done.returncode == 2 and "is a file, not a folder" in done.stderr, done.stderr
    assert (tmp_path / "rep").read_text() == "mine\n"


def test_resuming_an_ended_run_names_the_command_of_its_verdict(tmp_path: Path) -> None:
    """The next CI job's ``assay resume RUN`` of a run its last job's timeout stopped as it
    ended: exit 2, "nothing to resume", and now the command that gives the run's reports and
    exits with its verdict, which pastes."""
    done = _assay(
        tmp_path, "fairness", "--dataset", "german", "--protected", "sex", "--max-queries",
        "300", "--seed", "1", "--store", "s.db",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    with sqlite3.connect(tmp_path / "s.db") as db:
        (run_id,) = db.execute("select id from runs").fetchone()
    refused = _assay(tmp_path, "resume", run_id, "--store", "s.db")  # (--junit: written)
    assert refused.returncode == 2 and "nothing to resume" in refused.stderr
    line = refused.stderr.split("nothing to resume; ", 1)[1].split(" writes its reports")[0]
    words = shlex.split(line)
    assert words[:3] == ["assay", "report", run_id], line
    (tmp_path / "elsewhere").mkdir()
    verdict = _assay(tmp_path / "elsewhere", *words[1:], "--junit", "j.xml")
    assert verdict.returncode == done.returncode, verdict.stderr
    assert (tmp_path / "elsewhere" / "j.xml").is_file()
