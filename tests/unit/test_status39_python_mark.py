"""A run made or resumed from Python and killed there never reads as "none kept" (status39,
status38b's Left 4).

A call from Python has no exit code: on main its run kept none (``command_exit_code`` and
``command_exit`` null), and a process killed in ``check_fairness`` or ``resume_run`` left
the same null, said as for a call that returned.  Now the run is marked while the call
runs, the mark taken away as it returns: killed, ``command_exit`` says a call from Python
that did not return."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from test_status38_shown_status import MODEL

from assay.core.store import RunStore
from assay.report import build_document

# status38's model (a "kill N" flag kills its process from call N+1 on) called from Python,
# its data given as a DataFrame; argv: "run" (a new run) or "resume RUN"
SCRIPT = """import importlib.util, sys
import pandas as pd
import assay
spec = importlib.util.spec_from_file_location("m", "m.py")
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
df = pd.read_csv("d.csv")
if sys.argv[1] == "run":
    assay.check_fairness(m.f, df, protected="sex", max_queries=200, seed=1, store="s.db")
else:
    assay.resume_run(sys.argv[2], store="s.db", model=m.f, data=df)
"""


def _python(tmp_path: Path, flag: str, *args: str) -> int:
    (tmp_path / "flag").write_text(flag, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode


def test_a_python_call_killed_says_it_did_not_return_not_none_kept(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    lines = ["age,sex,hours"]
    lines += [f"{20 + i % 40},{'MF'[i % 2]},{20 + (i * 7) % 40}" for i in range(60)]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _python(tmp_path, "kill 3", "run") == -9
    store = tmp_path / "s.db"
    run_id = RunStore(store).list_runs()[0].id
    doc = build_document(RunStore(store), run_id)
    assert doc["command_exit_code"] is None
    said = doc["command_exit"]
    assert said is not None, "main: null, as for a call that returned"
    assert said.startswith("assay.check_fairness(...) began on the run from Python and did not")
    # resumed from Python and killed again: that call is said
    assert _python(tmp_path, "kill 0", "resume", run_id) == -9
    said = build_document(RunStore(store), run_id)["command_exit"]
    assert said.startswith("assay.resume_run(...) began on the run from Python"), said
    # resumed to its end: the call returned, none kept (null)
    assert _python(tmp_path, "", "resume", run_id) == 0
    doc = build_document(RunStore(store), run_id)
    assert doc["command_exit_code"] is None and doc["command_exit"] is None
