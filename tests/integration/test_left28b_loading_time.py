"""Loading (before a run exists) counts within ``--max-time`` and stops at it; a Ctrl-C
during it ends the command cleanly.

A model file slow to import stands for any slow loading that does not call the model (a
large CSV, a big ONNX file, training a built-in model): before, ``--max-time 3`` waited for
the whole import (here 60 s) and only then said the budget was spent.  Each case runs the
``assay`` process itself (the alarm is the main thread's, and the clock is the process's).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import assay

SRC = str(Path(assay.__file__).resolve().parents[1])
SLOW_IMPORT = 60  # seconds the model file sleeps while it is imported

MODELS = {
    "fairness": "import numpy as np\n\ndef f(X):\n"
    "    X = np.asarray(X, dtype=float)\n    return (X[:, 0] > 20).astype(int)\n",
    "text": "def f(texts):\n    return ['pos' if 'good' in t else 'neg' for t in texts]\n"
    "f.classes_ = ['neg', 'pos']\n",
    "backdoor": "import numpy as np\n\ndef f(X):\n"
    "    X = np.asarray(X, dtype=float).reshape(len(X), -1)\n"
    "    return (X.mean(axis=1) > 0.5).astype(int)\n",
}


def _args(tmp_path: Path, technique: str) -> list[str]:
    """``assay TECHNIQUE`` of a model file that sleeps while it is imported."""
    model = tmp_path / "slow.py"
    model.write_text(f"import time\ntime.sleep({SLOW_IMPORT})\n" + MODELS[technique])
    store = ["--store", str(tmp_path / "runs.db"), "--junit", str(tmp_path / "j.xml")]
    if technique == "fairness":
        rng = np.random.default_rng(0)
        rows = ["a,b,s,y"] + [
            f"{a},{b},{s},{int(a > 20)}"
            for a, b, s in zip(
                rng.integers(0, 40, 200),
                rng.integers(0, 5, 200),
                rng.integers(0, 2, 200),
                strict=True,
            )
        ]
        (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
        data = ["--data", str(tmp_path / "d.csv"), "--label", "y", "--protected", "s"]
        return ["fairness", f"{model}:f", *data, *store]
    if technique == "text":
        grammar = tmp_path / "g.cfg"
        grammar.write_text('S -> "the" N "is" A\nN -> "room" | "view"\nA -> "good" | "bad"\n')
        return ["text", f"{model}:f", "builtin:tfidf", "--grammar", str(grammar), *store]
    rng = np.random.default_rng(0)
    np.save(tmp_path / "i.npy", rng.random((4, 8, 8)))
    np.save(tmp_path / "c.npy", rng.random((12, 8, 8)))
    images = ["--images", str(tmp_path / "i.npy"), "--clean", str(tmp_path / "c.npy")]
    return ["backdoor", f"{model}:f", *images, "--input-shape", "8,8", "--classes", "2", *store]


def _start(args: list[str], cwd: Path, **variables: str) -> subprocess.Popen[str]:
    """``python -m assay ARGS`` in ``cwd`` (this checkout's assay; ``variables`` beside the
    environment), its output piped."""
    env = {**os.environ, "PYTHONPATH": SRC, **variables}
    return subprocess.Popen(
        [sys.executable, "-m", "assay", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("technique", ["fairness", "text", "backdoor"])
def test_loading_slower_than_max_time_stops_at_it(tmp_path: Path, technique: str) -> None:
    began = time.monotonic()
    proc = _start([*_args(tmp_path, technique), "--max-time", "4"], tmp_path)
    try:
        out, err = proc.communicate(timeout=SLOW_IMPORT + 60)
    finally:
        proc.kill()
    took = time.monotonic() - began
    # the budget, not the 60 s import (a loaded CI machine may be slow to start the process
    # and to deliver the alarm: far under the import all the same)
    assert took < SLOW_IMPORT / 2, (took, err)
    assert proc.returncode == 2, (out, err)
    assert "nothing was tested" in err and "--max-time 4" in err, err
    stopped = float(err.split("stopped after ", 1)[1].split(" s", 1)[0])
    assert 4.0 <= stopped < SLOW_IMPORT / 2, err
    assert "Traceback" not in err and not (tmp_path / "runs.db").exists()
    assert 'type="usage_error"' in (tmp_path / "j.xml").read_text()


@pytest.mark.parametrize("technique", ["fairness", "text", "backdoor"])
def test_ctrl_c_while_loading_ends_in_one_line_and_stores_nothing(
    tmp_path: Path, technique: str
) -> None:
    proc = _start(_args(tmp_path, technique), tmp_path)
    try:
        assert proc.stderr is not None
        assert "loading" in proc.stderr.readline()  # (loading began: the model imports)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [
        "assay: error: interrupted before a run was made (loading, or checking the "
        "arguments): nothing was stored, nothing to resume; run the command again"
    ], err
    assert not (tmp_path / "runs.db").exists()
    assert 'type="interrupted"' in (tmp_path / "j.xml").read_text()


def test_loading_within_the_budget_leaves_the_alarm_as_it_was(tmp_path: Path) -> None:
    """A run whose loading fits goes on (the alarm disarmed, no stray interrupt later)."""
    from assay.core.loading_time import loading_within

    with loading_within(5.0, time.monotonic(), what="x"):
        pass
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_programs_own_alarm_is_left_alone() -> None:
    """In a program with its own SIGALRM handler (pytest-timeout's), loading is not stopped
    by an alarm of assay's: the handler and its timer are the program's."""
    from assay.core.loading_time import loading_within

    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        with loading_within(0.2, time.monotonic(), what="x"):
            time.sleep(0.4)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and not fired
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_loading_past_the_budget_in_process_is_a_usage_error() -> None:
    from assay.core.loading_time import loading_within
    from assay.errors import UsageError

    began = time.monotonic()
    said = r"--max-time 0\.3 ran out \(stopped after 0\.[3-9]"
    with pytest.raises(UsageError, match=said), loading_within(0.3, began, what="the model"):
        time.sleep(5)
    assert time.monotonic() - began < 2
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
