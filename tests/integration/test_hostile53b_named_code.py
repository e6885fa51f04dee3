"""A CI runner's home: the record of the model code this account named (``core.named_code``)
cannot be written (a read-only or full ``$HOME``/``$XDG_STATE_HOME``, none at all), or the
next job runs in a fresh container whose record is empty.  The resume lines a run prints
were refused as pasted ("Python code ... that assay never imported as a model on this
account", exit 2): each resume line now gives ``--model SPEC`` when the record does not hold
the run's model code, and a run whose code could not be noted says so (hostile53b)."""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

MODEL = """
def predict(X):
    return ((X["age"] > 40) | (X["sex"] == "M")).astype(int).to_numpy()
"""


def _assay(tmp: Path, state: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "XDG_STATE_HOME": str(state)}
    return subprocess.run(
        [sys.executable, "-m", "assay", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp,
        check=False,
    )


def _run(tmp: Path, state: Path) -> tuple[str, dict[str, object]]:
    rows = "".join(f"{20 + i % 50},{'FM'[i % 2]},{i % 2}\n" for i in range(200))
    (tmp / "d.csv").write_text("age,sex,y\n" + rows)
    (tmp / "m.py").write_text(MODEL)
    args = ["fairness", "m.py:predict", "--data", "d.csv", "--protected", "sex"]
    args += ["--label", "y", "--max-queries", "300", "--store", "runs.db", "--json"]
    args += ["--junit", "j.xml"]
    done = _assay(tmp, state, args)
    assert done.returncode in (0, 1), done.stderr
    with sqlite3.connect(tmp / "runs.db") as db:  # (as a runner's timeout leaves it)
        db.execute("update runs set status='interrupted'")
    return done.stderr, json.loads(done.stdout)


def _started(said: str) -> str:
    """The resume line a run says as it starts."""
    return said.split("resume with: ", 1)[1].splitlines()[0]


def _pasted(tmp: Path, state: Path, line: str) -> subprocess.CompletedProcess[str]:
    words = shlex.split(line)
    while words and "=" in words[0]:  # (``PYTHONPATH=...``: the subprocess has it)
        words.pop(0)
    assert words[:2] == ["assay", "resume"], line
    return _assay(tmp, state, words[1:])


def test_a_home_that_cannot_be_written_gives_resume_lines_that_paste(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.write_text("")  # (a file: no folder can be made under it, root or not)
    said, _ = _run(tmp_path, state)
    assert "could not note" in said and "--model" in said
    line = _started(said)
    run_id = line.split()[2] if line.startswith("assay") else line.split("resume ")[1].split()[0]
    bare = _assay(tmp_path, state, ["resume", run_id, "--store", "runs.db"])
    assert bare.returncode == 2 and "could not note it" in bare.stderr, bare.stderr
    assert "--model" in line and "m.py:predict" in line
    resumed = _pasted(tmp_path, state, line)
    assert "Python code" not in resumed.stderr, resumed.stderr
    assert resumed.returncode in (0, 1), resumed.stderr
    assert (tmp_path / "j.xml").is_file()


def test_the_next_jobs_refusal_says_a_line_that_resumes(tmp_path: Path) -> None:
    said, doc = _run(tmp_path, tmp_path / "job1")
    assert "--model" not in _started(said)  # (noted: its account resumes it as it is)
    fresh = tmp_path / "job2"  # the next job's container: a record of its own, empty
    refused = _assay(tmp_path, fresh, ["resume", str(doc["run_id"]), "--store", "runs.db"])
    assert refused.returncode == 2 and "Python code" in refused.stderr
    go_on = [
        x for x in refused.stdout.splitlines() + refused.stderr.splitlines() if "continue with" in x
    ]
    assert go_on, refused.stdout + refused.stderr
    line = go_on[-1].split("continue with: ", 1)[1]
    resumed = _pasted(tmp_path, fresh, line)
    assert "Python code" not in resumed.stderr, resumed.stderr
    assert resumed.returncode in (0, 1), resumed.stderr
