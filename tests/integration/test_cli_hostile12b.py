"""A hostile new user's review of the command line as CI jobs and shell scripts use it
(twelfth session, hostile12b): stdout a file, JUnit files, exit codes, signals."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from ci22_in_process import assay_here

import assay

SRC = str(Path(assay.__file__).parents[1])

# a fairness model that discriminates on nothing and sends its own process a Ctrl-C on its
# tenth call: the run is interrupted with nothing found
SELF_INTERRUPTING = """
import os, signal
import numpy as np
_n = [0]
def predict(x):
    _n[0] += 1
    if _n[0] == 10:
        os.kill(os.getpid(), signal.SIGINT)
    x = np.asarray(x, dtype=float)
    return (x[:, 0] > 40).astype(int)
predict.classes_ = [0, 1]
"""


def _assay(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", "assay", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _people(tmp: Path) -> Path:
    rng = np.random.default_rng(0)
    rows = ["age,hours,sex"]
    for _ in range(200):
        rows.append(f"{rng.integers(18, 80)},{rng.integers(10, 60)},{rng.integers(0, 2)}")
    path = tmp / "people.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _fairness(model: str, *more: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``assay fairness MODEL --data people.csv --protected sex --seed 1 MORE...``."""
    base = ["fairness", model, "--data", "people.csv", "--protected", "sex", "--seed", "1"]
    return _assay(*base, *more, cwd=cwd)


def _junit_counts(path: Path) -> tuple[int, int, int]:
    root = ET.parse(path).getroot()
    return int(root.get("tests", 0)), int(root.get("failures", 0)), int(root.get("errors", 0))


def test_an_interrupted_run_with_nothing_found_is_no_pass_in_its_junit_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An interrupted run's JUnit file (of the run, or of `assay report RUN --junit`) read
    'no finding at or above the threshold', a passing case: a CI job whose timeout ends
    the run publishes a green test report for a search that never finished."""
    (tmp_path / "selfint.py").write_text(SELF_INTERRUPTING)
    _people(tmp_path)
    more = ["--max-queries", "200000", "--store", "s.db", "--junit", "j.xml"]
    run = _fairness("selfint.py:predict", *more, cwd=tmp_path)
    assert run.returncode == 130, run.stderr
    assert "interrupted" in run.stdout + run.stderr
    _, failures, errors = _junit_counts(tmp_path / "j.xml")
    assert (failures, errors) == (0, 1), (tmp_path / "j.xml").read_text()
    assert "interrupted" in (tmp_path / "j.xml").read_text()
    run_id = next(w for w in run.stdout.split() if w.startswith("fairness-")).rstrip(":")
    again = assay_here(
        capsys, "report", run_id, "--store", "s.db", "--junit", "r.xml", cwd=tmp_path
    )
    assert again.returncode == 130, again.stderr  # as its JUnit file: not ended (left26)
    assert _junit_counts(tmp_path / "r.xml")[2] == 1, (tmp_path / "r.xml").read_text()


def _printed(output: str, prefix: str) -> str:
    line = next(x for x in output.splitlines() if prefix in x)
    return line.split(prefix, 1)[1].strip()


def test_the_reproduce_command_works_when_pasted_in_another_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run started in one directory with relative paths, its store in another: `assay
    show RUN` (and `assay resume`) run from the store's directory printed 'to reproduce:
    assay fairness m.py:predict --data people.csv ...', paths relative to a directory it did
    not name: pasted there, it failed (no such model file)."""
    work, other = tmp_path / "work dir", tmp_path / "it's here"
    work.mkdir()
    other.mkdir()
    (work / "m.py").write_text(SELF_INTERRUPTING.replace("_n[0] == 10", "_n[0] == -1"))
    _people(work)
    base = ["fairness", "m.py:predict", "--data", "people.csv", "--protected", "sex", "--seed", "1"]
    run = assay_here(
        capsys, *base, "--max-queries", "300", "--store", "../it's here/s.db", cwd=work
    )
    assert run.returncode == 0, run.stderr
    run_id = next(w for w in run.stdout.split() if w.startswith("fairness-")).rstrip(":")
    show = assay_here(capsys, "show", run_id, "--store", "s.db", cwd=other)
    assert show.returncode == 0, show.stderr
    command = _printed(show.stdout, "to reproduce:")
    env = {**os.environ, "PYTHONPATH": SRC}
    pasted = subprocess.run(
        ["bash", "-c", f"assay() {{ {sys.executable} -m assay \"$@\"; }}; {command}"],
        cwd=other, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert pasted.returncode == 0, f"{command}\n{pasted.stderr}"
    # shown where the run was made, it names its folder too (left41: pasted anywhere)
    here = assay_here(capsys, "show", run_id, "--store", "../it's here/s.db", cwd=work)
    assert _printed(here.stdout, "to reproduce:") == command


SLOW = """
import os, time
import numpy as np
def predict(x):
    time.sleep(2.0 if os.path.exists("slow.flag") else 0.2)
    x = np.asarray(x, dtype=float)
    return (x[:, 0] > 40).astype(int)
predict.classes_ = [0, 1]
"""


def _searching(tmp: Path, *more: str) -> tuple[subprocess.Popen[str], str]:
    """A fairness run of the SLOW model started in ``tmp``, once its search has begun (the
    answer's sample comes first), and what it printed on stderr until then."""
    (tmp / "slow.py").write_text(SLOW)
    _people(tmp)
    args = ["fairness", "slow.py:predict", "--data", "people.csv", "--protected", "sex"]
    args += ["--max-time", "120", "--seed", "1", *more]
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay", *args], cwd=tmp, env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    seen = ""
    while "search:" not in seen:
        line = proc.stderr.readline()
        assert line, seen
        seen += line
    return proc, seen


@pytest.mark.parametrize("mid_call", [False, True])
def test_sigterm_stops_a_run_at_a_checkpoint_as_ctrl_c_does(tmp_path: Path, mid_call: bool) -> None:
    """A CI job's timeout (or `timeout 600 assay ...`, `docker stop`) sends SIGTERM: the
    process died at once ('Terminated', exit 143), with no resume line, no JUnit file and
    the run left 'running'.  Now it stops at the next checkpoint as Ctrl-C does: the run
    interrupted, its JUnit file an error, the resume line printed and working.  Also when a
    model call is still out after the stop's grace (2 s a call): that ended (as a Ctrl-C
    did) in a bare 'interrupted', no run named, no resume line, no report."""
    env = {**os.environ, "PYTHONPATH": SRC}
    proc, seen = _searching(tmp_path, "--store", "s.db", "--junit", "j.xml")
    if mid_call:  # each call now outlasts the stop's grace (0.5 s)
        (tmp_path / "slow.flag").write_text("")
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    (tmp_path / "slow.flag").unlink(missing_ok=True)
    assert proc.returncode == 130, seen + err
    assert "continue with: assay resume" in err, err
    assert "interrupted" in out
    _, failures, errors = _junit_counts(tmp_path / "j.xml")
    assert (failures, errors) == (0, 1)
    line = _printed(err, "continue with:")
    pasted = subprocess.run(
        ["bash", "-c", f"assay() {{ {sys.executable} -m assay \"$@\"; }}; {line} --quiet"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert pasted.returncode == 0, f"{line}\n{pasted.stderr}"
    assert _junit_counts(tmp_path / "j.xml") == (1, 0, 0)


STALE_PASS = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="assay" tests="1" failures="0" errors="0"><testsuite name="assay.fairness"
tests="1" failures="0" errors="0"><testcase classname="assay.fairness"
name="no finding at or above the threshold" /></testsuite></testsuites>
"""


def test_a_run_that_fails_before_its_reports_leaves_no_earlier_pass_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CI workspaces are reused (Jenkins, self-hosted runners): yesterday's green j.xml stayed
    in place when today's run stopped on an error before writing its reports (a mistyped
    column, a model slower than --max-time at loading: exit 2), and the JUnit publisher
    showed yesterday's pass."""
    (tmp_path / "m.py").write_text(SELF_INTERRUPTING.replace("_n[0] == 10", "_n[0] == -1"))
    _people(tmp_path)
    for name in ("j.xml", "r.json"):
        (tmp_path / name).write_text(STALE_PASS)
    more = ["--protected", "sexx", "--store", "s.db", "--junit", "j.xml", "--report", "r.json"]
    # (not _fairness: its own --protected sex beside this one is refused as given twice)
    run = assay_here(capsys, "fairness", "m.py:predict", "--data", "people.csv", "--seed", "1",
                     *more, cwd=tmp_path)  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "sexx" in run.stderr
    # (hostile13a: the JUnit file is now one error naming the problem, never the old pass)
    assert _junit_counts(tmp_path / "j.xml") == (1, 0, 1)
    assert "sexx" in (tmp_path / "j.xml").read_text()
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("command", ["resume", "report"])
def test_resume_and_report_never_write_over_the_runs_own_files(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`assay resume RUN --report people.csv` (or `assay report RUN --html m.py`) wrote the
    report over the run's data file (or model): only the store was checked, not the files
    the run reads."""
    (tmp_path / "selfint.py").write_text(SELF_INTERRUPTING)
    data = _people(tmp_path)
    before = data.read_bytes()
    run = _fairness(
        "selfint.py:predict", "--max-queries", "200000", "--store", "s.db", cwd=tmp_path
    )
    assert run.returncode == 130, run.stderr
    run_id = next(w for w in run.stdout.split() if w.startswith("fairness-")).rstrip(":")
    for flag, target in (("--report", "people.csv"), ("--html", "selfint.py")):
        kept = (tmp_path / target).read_bytes()
        again = assay_here(capsys, command, run_id, "--store", "s.db", flag, target, cwd=tmp_path)
        assert again.returncode == 2, again.stderr
        assert "reads" in again.stderr, again.stderr
        assert (tmp_path / target).read_bytes() == kept
    assert data.read_bytes() == before


def test_quiet_still_says_how_to_continue_an_interrupted_run(tmp_path: Path) -> None:
    """`--quiet` ('print nothing but errors') made an interrupted run exit 130 with nothing
    at all on stderr: a CI log showed a failed step and no word of why nor the resume line
    (a run that tested nothing says its error under --quiet)."""
    (tmp_path / "selfint.py").write_text(SELF_INTERRUPTING)
    _people(tmp_path)
    more = ["--max-queries", "200000", "--store", "s.db", "--quiet"]
    run = _fairness("selfint.py:predict", *more, cwd=tmp_path)
    assert run.returncode == 130, run.stderr
    assert run.stdout == ""
    assert "continue with: assay resume fairness-" in run.stderr, run.stderr


def test_the_resume_command_shown_for_a_stalled_run_works_as_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`assay show RUN --store ...` of a run killed with kill -9 (no checkpoint for a
    minute) printed 'resume: assay resume RUN': no --store, so pasted it looked in
    ./.assay/runs.db ('no run store'), exit 2."""
    env = {**os.environ, "PYTHONPATH": SRC}
    proc, seen = _searching(tmp_path, "--store", "my runs/s.db")
    proc.kill()
    proc.communicate(timeout=60)
    db = sqlite3.connect(tmp_path / "my runs" / "s.db")
    with db:  # its last checkpoint ten minutes ago: stalled
        db.execute("UPDATE runs SET updated = updated - 600")
    db.close()
    run_id = next(w for w in seen.split() if w.startswith("fairness-")).rstrip(":,")
    show = assay_here(capsys, "show", run_id, "--store", "my runs/s.db", cwd=tmp_path)
    assert show.returncode == 0, show.stderr
    command = _printed(show.stdout, "resume: ").rstrip(")")
    pasted = subprocess.run(
        ["bash", "-c", f"assay() {{ {sys.executable} -m assay \"$@\"; }}; {command} --quiet"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert pasted.returncode == 0, f"{command}\n{pasted.stderr}"
