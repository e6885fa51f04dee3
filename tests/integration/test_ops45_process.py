"""assay as an SRE runs it under process supervision and in shell pipelines (ops45): closed
standard streams, signals, a store shared with another process, locales and terminals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import assay
from assay.core.store import RunStore

SRC = str(Path(assay.__file__).parents[1])
ENV = {**os.environ, "PYTHONPATH": SRC}
FAIR = ["fairness", "builtin:tree", "--dataset", "adult", "--protected", "sex",
        "--max-queries", "300", "--seed", "1"]  # fmt: skip


def _shell(redirect: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``assay ARGS`` started by a shell with ``redirect`` (``>&-``: stdout closed)."""
    line = 'exec "$@" ' + redirect
    return subprocess.run(
        ["bash", "-c", line, "bash", sys.executable, "-m", "assay", *args],
        capture_output=True, text=True, env=ENV, cwd=cwd, timeout=120,
    )  # fmt: skip


def test_a_closed_stdout_or_stderr_neither_crashes_nor_changes_the_verdict(
    tmp_path: Path,
) -> None:
    """``assay ... >&-``: Python starts with ``sys.stdout`` None; every command ended on an
    ``AttributeError`` traceback with exit 1 ("found" to CI: ``assay runs`` too), and under
    ``2>&-`` no run was made at all (exit 1, nothing stored)."""
    store = str(tmp_path / "s.db")
    run = _shell("2>&-", *FAIR, "--store", store, "--json", cwd=tmp_path)
    assert run.returncode == 1, run.stdout  # found, as with every stream open
    document = json.loads(run.stdout)
    with RunStore(store, read_only=True) as opened:
        runs = opened.list_runs()
    assert [r.id for r in runs] == [document["run_id"]]
    assert runs[0].status == "completed" and runs[0].n_findings > 0
    # a listing's lines are its whole answer: lost to a closed stdout as to a full disk, exit
    # 2 (README's exit table; it exited 0 until docs46, which left45o's /dev/full did not)
    listed = _shell(">&-", "runs", "--store", store, cwd=tmp_path)
    assert listed.returncode == 2, listed.stderr
    assert "Traceback" not in listed.stderr, listed.stderr
    assert listed.stderr.count("stdout was closed") == 2, listed.stderr  # warning, then why 2
    assert "the list of runs is lost (exit 2)" in listed.stderr, listed.stderr
    both = _shell(">&- 2>&-", "show", runs[0].id, "--store", store, cwd=tmp_path)
    assert both.returncode == 2


# a fairness model of 0.1 s a call that discriminates on sex for the over-60s
SLOW = """
import time
import numpy as np
def predict(x):
    time.sleep(0.1)
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 60) & (x[:, 2] == 1)).astype(int)
predict.classes_ = [0, 1]
"""


def _people(tmp: Path) -> None:
    rows = ["age,hours,sex"] + [f"{18 + 7 * i % 62},{10 + 3 * i % 50},{i % 2}" for i in range(200)]
    (tmp / "people.csv").write_text("\n".join(rows) + "\n")
    (tmp / "slow.py").write_text(SLOW)


def test_a_closed_terminal_stops_a_run_at_its_checkpoint_and_nohup_still_ignores_it(
    tmp_path: Path,
) -> None:
    """SIGHUP (the terminal closed, an ssh session dropped) killed the run outright: exit 129,
    no JUnit file, the run 'stalled' without the findings since its last checkpoint.  Now it
    stops as SIGTERM does (exit 130, the JUnit file says unfinished, the resume line printed);
    under ``nohup`` (SIGHUP ignored) the run goes on."""
    _people(tmp_path)
    args = ["fairness", "slow.py:predict", "--data", "people.csv", "--protected", "sex",
            "--seed", "1", "--max-queries", "100000", "--store", "s.db",
            "--junit", "j.xml"]  # fmt: skip
    for ignored in (False, True):
        proc = subprocess.Popen(
            [sys.executable, "-m", "assay", *args], cwd=tmp_path, env=ENV, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            # (SIGHUP's disposition set either way: a test run itself under nohup hands
            # its children an ignored SIGHUP)
            preexec_fn=(
                (lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
                if ignored
                else (lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
            ),
        )  # fmt: skip
        assert proc.stderr is not None
        seen = ""
        while "search:" not in seen:
            line = proc.stderr.readline()
            assert line, seen
            seen += line
        time.sleep(1)
        proc.send_signal(signal.SIGHUP)
        if ignored:
            time.sleep(2)
            assert proc.poll() is None  # nohup's: the run goes on
            proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (out, err)
        assert "continue with:" in err and "Traceback" not in err, err
        run_id = next(w for w in seen.split() if w.startswith("fairness-")).rstrip(":,")
        with RunStore(tmp_path / "s.db", read_only=True) as store:
            assert store.get_run(run_id).status == "interrupted"
        assert "unfinished" in (tmp_path / "j.xml").read_text()


# ``assay runs`` whose command line's parser, built on a loaded machine for seconds, is
# interrupted while it is built (its ``register`` sends the signal)
EARLY = """
import os, signal, sys
import assay.cli.app as app
built, sent = app.register, getattr(signal, sys.argv[1])
def register():
    os.kill(os.getpid(), sent)
    built()
app.register = register
sys.argv = ["assay", "runs", "--store", "s.db"]
app.main()
"""


def test_an_interrupt_before_the_command_began_is_said_without_a_traceback(
    tmp_path: Path,
) -> None:
    """A Ctrl-C (or a CI job's timeout) in the first seconds of a command, while assay built
    its command line (2.5 s at load 20), printed a bare ``KeyboardInterrupt`` traceback and
    died by the signal; a SIGTERM there killed the process without a word (exit 143)."""
    for name in ("SIGINT", "SIGTERM"):
        done = subprocess.run(
            [sys.executable, "-c", EARLY, name], cwd=tmp_path, env=ENV,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 130, (name, done.returncode, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert "interrupted before the command began" in done.stderr


def test_force_color_gives_a_log_file_plain_progress_lines_not_a_redrawn_bar(
    tmp_path: Path,
) -> None:
    """``FORCE_COLOR=1`` (set in CI jobs for coloured logs) with stderr a file: rich took the
    file for a terminal and redrew its progress bar in it about five times a second (38.8 KB
    of carriage returns and cursor codes for a 40 s run; 0.6 KB of plain lines without it)."""
    env = {**ENV, "FORCE_COLOR": "1"}
    env.pop("NO_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "assay", *FAIR, "--store", str(tmp_path / "s.db")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "\r" not in done.stderr and "\x1b[2K" not in done.stderr, done.stderr[-300:]
    assert "  done: 300 queries" in done.stderr  # the plain lines, as without FORCE_COLOR
