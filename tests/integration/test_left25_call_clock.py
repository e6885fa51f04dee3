"""A run's clock starts when the user began waiting: the API call's entry (its first call in
a process imports the library: part of the wait), the ``assay`` process's start.

Each case runs in a fresh interpreter: in the test process the library is already imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import assay

SRC = str(Path(assay.__file__).resolve().parents[1])

CALLS = {
    "fairness": """
        import numpy as np
        def model(x):
            x = np.asarray(x)
            return ((x[:, 0] > 30) | ((x[:, 2] == 1) & (x[:, 0] > 20))).astype(int)
        rng = np.random.default_rng(0)
        X = np.column_stack([rng.integers(0, 50, 500), rng.integers(0, 10, 500),
                             rng.integers(0, 2, 500)])
        import pandas as pd
        frame = pd.DataFrame(X, columns=["x", "z", "sex"])
        t0 = time.monotonic()
        result = assay.check_fairness(model, data=frame, protected="sex", max_queries=2000,
                                      seed=1, store=STORE)
    """,
    "text": """
        def model(texts):
            return [int("good" in t) for t in texts]
        def other(texts):
            return [int("bad" not in t) for t in texts]
        model.classes_ = other.classes_ = ["neg", "pos"]
        t0 = time.monotonic()
        result = assay.check_text([model, other], grammar=GRAMMAR, max_queries=100, seed=1,
                                  store=STORE)
    """,
    "backdoor": """
        import numpy as np
        def model(x):
            return (np.asarray(x).reshape(len(x), -1).mean(axis=1) > 0.5).astype(int)
        rng = np.random.default_rng(0)
        t0 = time.monotonic()
        result = assay.check_backdoor(model, images=rng.random((4, 8, 8)),
                                      clean=rng.random((12, 8, 8)), input_shape="8,8",
                                      classes=2, seed=1, store=STORE)
    """,
}

GRAMMAR = 'S -> "the" N "is" A\nN -> "room" | "view"\nA -> "good" | "not bad"\n'


def _wall(store: Path) -> float:
    from assay.core.store import RunStore

    (record,) = RunStore(store).list_runs()
    return float(record.summary["metrics"]["wall-clock seconds"])


@pytest.mark.parametrize("technique", sorted(CALLS))
def test_an_api_run_counts_from_the_call_and_its_imports(technique: str, tmp_path: Path) -> None:
    """The first ``assay.check_*`` in a process imports the technique's modules (0.3-0.7 s):
    the run's wall-clock seconds (and every rate over them) count them, as the caller waited
    for them; before, the clock started after the import and the rates flattered the run."""
    store = tmp_path / "runs.db"
    script = "import time\nimport assay\n"
    script += f"STORE = {str(store)!r}\nGRAMMAR = {GRAMMAR!r}\n"
    script += textwrap.dedent(CALLS[technique])
    script += "print(time.monotonic() - t0)\n"
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr
    call = float(done.stdout.strip().splitlines()[-1])
    wall = _wall(store)
    assert wall <= call
    # what follows the recorded figure (the result object) is small beside the imports
    assert call - wall < max(0.1, 0.1 * call), (technique, call, wall)


def test_a_command_counts_from_the_process_start(tmp_path: Path) -> None:
    """``assay fairness ... --max-time`` counts the interpreter's start and the imports (the
    time ``time assay ...`` reports): before, they came on top of the recorded seconds and of
    the bound."""
    store = tmp_path / "runs.db"
    env = {**os.environ, "PYTHONPATH": SRC}
    args = ["fairness", "--dataset", "german", "--protected", "sex", "--max-queries", "3000"]
    args += ["--seed", "1", "--store", str(store), "--no-exact", "--json"]
    t0 = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "assay", *args], capture_output=True, text=True, env=env
    )
    process = time.monotonic() - t0
    assert done.returncode in (0, 1), done.stderr
    wall = json.loads(done.stdout)["summary"]["wall_seconds"]
    # the reports and the interpreter's exit follow the recorded figure: small
    # (before: 2.5 s of 5.3 on a loaded machine; 0.2 s after)
    assert process - wall < max(0.5, 0.1 * process), (process, wall)
