"""A model whose code ends the process (``os._exit``) cannot end the run with the code it
chose: ``os._exit(0)`` mid-run exited 0 with nothing tested (read as a pass by CI).  Each
run is a subprocess, so that a broken guard ends that process and not the test session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

MODELS = """
import os

import numpy as np

calls = [0]


def _later(answer, x):
    calls[0] += 1
    if calls[0] > int(os.environ.get("EXIT_AFTER", "3")):
        os._exit(int(os.environ.get("EXIT_CODE", "0")))
    return answer(x)


def tabular(x):
    x = np.asarray(x, dtype=float)
    return _later(lambda v: ((v[:, 0] > 40) & (v[:, -1] == 1)).astype(int), x)


def text(xs):
    return _later(lambda v: np.array([0 if "not" in s.split() else 1 for s in v]), list(xs))


def text_plain(xs):
    return np.array([0 if "bad" in s.split() else 1 for s in xs])


def image(x):
    def quarters(v):
        v = np.asarray(v, dtype=float).reshape(len(v), 8, 8)
        q = [v[:, :4, :4], v[:, :4, 4:], v[:, 4:, :4], v[:, 4:, 4:]]
        return np.stack([w.sum(axis=(1, 2)) for w in q], axis=1).argmax(axis=1)

    return _later(quarters, x)


text.classes_ = ["neg", "pos"]
text_plain.classes_ = ["neg", "pos"]
image.classes_ = [0, 1, 2, 3]
"""

GRAMMAR = """\
S -> NAME " is " NEG " " A
NAME -> "Maria" | "John" | "Wei"
NEG -> "" | "not"
A -> "good" | "bad" | "kind" | "rude"
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("exits")
    (d / "m.py").write_text(MODELS)
    (d / "g.cfg").write_text(GRAMMAR)
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 100, (300, 3)), rng.integers(0, 2, 300)])
    (d / "people.csv").write_text(
        "x,z,w,sex\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"
    )
    x = rng.random((24, 8, 8)).astype(np.float32)
    np.save(d / "clean.npy", x[:14])
    np.save(d / "scan.npy", x[14:])
    return d


def _run(work: Path, tmp_path: Path, *args: str, after: int = 3, code: int = 0) -> tuple[int, str]:
    env = {**os.environ, "EXIT_AFTER": str(after), "EXIT_CODE": str(code)}
    done = subprocess.run(
        [sys.executable, "-m", "assay", *args, "--seed", "1", "--store", str(tmp_path / "r.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=work,
    )
    return done.returncode, done.stdout + done.stderr


@pytest.mark.parametrize("code", [0, 1])
def test_a_tabular_model_calling_os_exit_is_a_model_failure(
    work: Path, tmp_path: Path, code: int
) -> None:
    rc, out = _run(
        work,
        tmp_path,
        "fairness",
        "m.py:tabular",
        "--data",
        "people.csv",
        "--protected",
        "sex",
        "--max-queries",
        "20000",
        code=code,
    )
    assert rc == 3, out
    assert f"os._exit({code})" in out and "Traceback" not in out


def test_a_text_classifier_calling_os_exit_is_a_model_failure(work: Path, tmp_path: Path) -> None:
    rc, out = _run(
        work,
        tmp_path,
        "text",
        "m.py:text",
        "m.py:text_plain",
        "--grammar",
        "g.cfg",
        "--max-queries",
        "100",
        after=2,
    )
    assert rc == 3, out
    assert "os._exit(0)" in out and "Traceback" not in out


def test_an_image_model_calling_os_exit_is_a_model_failure(work: Path, tmp_path: Path) -> None:
    rc, out = _run(
        work,
        tmp_path,
        "backdoor",
        "m.py:image",
        "--images",
        "scan.npy",
        "--clean",
        "clean.npy",
        "--input-shape",
        "8,8",
        after=4,
    )
    assert rc == 3, out
    assert "os._exit(0)" in out and "Traceback" not in out


def test_os_exit_outside_a_model_call_still_ends_the_process() -> None:
    """The guard is confined to model calls: assay's own (or a forked child's) ``os._exit``
    is the real one."""
    script = (
        "import os, numpy as np\n"
        "from assay.core.calls import shielded\n"
        "shielded(lambda: np.zeros(1))()\n"
        "os._exit(7)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=120)
    assert done.returncode == 7
    forked = (
        "import os, numpy as np\n"
        "from assay.core.calls import shielded\n"
        "def child():\n"
        "    os._exit(9)\n"
        "def call():\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        child()\n"
        "    _, status = os.waitpid(pid, 0)\n"
        "    return np.array([os.waitstatus_to_exitcode(status)])\n"
        "print(int(shielded(call)()[0]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", forked], timeout=120, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.strip() == "9", done


def test_os_exit_of_another_thread_during_a_model_call_ends_the_process() -> None:
    """Only the thread making the model call is guarded.  A Dask worker ends itself from a
    thread that watches its parent (``os._exit(-1)`` when the client process is killed):
    guarded process-wide while a unit's model call ran, that exit raised in the watch's
    thread and the worker ran on as an orphan after ``kill -9`` of the client."""
    script = (
        "import os, threading, time, numpy as np\n"
        "from assay.core.calls import shielded\n"
        "def watch():\n"
        "    time.sleep(0.3)\n"
        "    os._exit(7)\n"
        "threading.Thread(target=watch, daemon=True).start()\n"
        "def slow():\n"
        "    time.sleep(30)\n"
        "    return np.zeros(1)\n"
        "shielded(slow)()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=20, capture_output=True)
    assert done.returncode == 7, done
