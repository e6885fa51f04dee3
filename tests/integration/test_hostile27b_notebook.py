"""hostile27b (twenty-sixth session): assay in a Jupyter kernel, as a notebook runs it: a
Ctrl-C ("interrupt kernel": SIGINT to the kernel) while a fairness run's determinism checks
wait for the model, then the run resumed in the same kernel, and a text run made twice.
Skipped where ``nbclient`` and ``ipykernel`` are not installed (they are in the dev extra, so
``make test`` and CI run it); the root causes have kernel-free tests too
(``test_hostile27b_interrupts.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")

CELLS = [
    """
import os, signal, time
import numpy as np, pandas as pd
import assay
rng = np.random.default_rng(0)
frame = pd.DataFrame({"age": rng.integers(18, 80, 2000), "sex": rng.choice(["F", "M"], 2000),
                      "hours": rng.integers(1, 80, 2000)})
armed = []
def model(rows):
    if armed and armed.pop():
        os.kill(os.getpid(), signal.SIGINT)  # as "interrupt kernel" does
        time.sleep(0.5)
    x = pd.DataFrame(rows, columns=["age", "sex", "hours"])
    return ((x["hours"].to_numpy(float) > 40)
            | ((x["sex"].to_numpy() == "M") & (x["age"].to_numpy(float) > 50))).astype(int)
""",
    """
assay.check_fairness(model, data=frame, protected=["sex"], max_queries=5000, seed=1,
                     store="runs.db", on_start=lambda *_: armed.append(True))
""",
    """
(record,) = assay.RunStore("runs.db").list_runs()
resumed = assay.resume_run(record.id, store="runs.db", model=model, data=frame)
print(record.status, resumed.status, resumed.n_findings > 0)
""",
    """
def a(b): return ["pos" if "good" in s or "great" in s else "neg" for s in b]
def n(b): return ["pos" if ("good" in s or "great" in s) and "not" not in s else "neg" for s in b]
runs = [assay.check_text([a, n], grammar="builtin:reviews", max_queries=2000, seed=1,
                         store="runs.db") for _ in range(2)]
print(runs[0].n_findings == runs[1].n_findings > 0, [r.status for r in runs])
""",
]


def test_a_notebook_interrupted_in_the_checks_resumes_in_the_same_kernel(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c.strip()) for c in CELLS]
    client = nbclient.NotebookClient(
        nb, timeout=300, allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    errors = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "RunInterrupted", nb.cells[1].outputs
    assert "assay.resume_run(" in errors[0].evalue
    resumed = "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert resumed.split()[:1] == ["interrupted"] and resumed.split()[-1] == "True", resumed
    text = "".join(o.get("text", "") for o in nb.cells[3].outputs)
    assert text.startswith("True"), nb.cells[3].outputs
