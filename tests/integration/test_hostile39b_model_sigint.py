"""hostile39b: a model file that sets Ctrl-C aside at import (``signal.signal(SIGINT,
SIG_IGN)``, as some libraries' worker set-ups do) made Ctrl-C do nothing: the run went on
to its end (exit 1).  While a command runs, the handlers the process had before the model's
loading (and before each of its calls on the main thread) are put back after them
(``core.kept_signals``): Ctrl-C stops the run (exit 130, resumable)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assay.core.kept_signals import held, kept

MODEL = """
import signal
import time

import numpy as np

signal.signal(signal.SIGINT, signal.SIG_IGN)


def predict(X):
    time.sleep(0.02)
    X = np.asarray(X, dtype=float)
    return ((X[:, 0] > 4) & (X[:, 8] > 0.5)).astype(np.int64)
"""

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_stops_a_run_whose_model_set_it_aside_at_import(tmp_path: Path) -> None:
    (tmp_path / "ign.py").write_text(MODEL)
    command = [
        sys.executable, "-m", "assay", "fairness", "ign.py:predict", "--dataset", "adult",
        "--protected", "sex", "--max-queries", "1000000", "--seed", "1", "--store", "s.db",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    child = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # (Ctrl-C as a terminal's foreground command gets it, whatever started pytest)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60  # (the run made: the model loaded)
        while not (tmp_path / "s.db").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # (the run searching)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=40)  # (on main: still running, a million queries)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130, err.decode()[-600:]
    assert b"interrupted" in err


def test_handlers_a_model_changes_are_put_back_within_a_command_only() -> None:
    mine = signal.getsignal(signal.SIGINT)
    with held(), kept():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    assert signal.getsignal(signal.SIGINT) is mine
    try:
        with kept():  # (the Python API: the program's process, left as the model set it)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, mine)  # type: ignore[arg-type]
