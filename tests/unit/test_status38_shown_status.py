"""A run's status and exit code agree wherever they are shown (status38).

A fairness run whose model failed after its search (the command exits 3, the terminal and
``assay show`` say "unfinished" since left37b): on main its report document (``--report``,
``assay report --json``), HTML and JUnit said the stored "completed" and ``exit_code`` 1 with
nothing naming the 3.  Now ``run.status`` is "unfinished" (``run.search_status`` the stored
"completed"), and ``command_exit_code`` (3) / ``command_exit`` say what the command exited
with, beside the verdict's 1; its resume updates them.  An interrupt in the answer prints
"unfinished", not "completed"; a model failing in the determinism checks reads as a failure,
not "stopped"."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.report import build_document, load_schema

register()

# answers the search's small batches; then, while the flag file says so, fails at the answer's
# first large batch ("answer"), from call N+1 on ("after N": 17 calls are loading's whole-number
# probe's (hostile47s2), the start checks',
# the search's and the answer's (hostile39b's round in other batches added one), the
# determinism checks follow), is interrupted at the answer ("interrupt"), or
# kills its own process as kill -9 does from call N+1 on ("kill N": status38b)
MODEL = """import os, signal
import numpy as np
from pathlib import Path
FLAG = Path(__file__).with_name("flag")
CALLS = [0]
def f(rows):
    how = FLAG.read_text() if FLAG.exists() else ""
    CALLS[0] += 1
    if len(rows) >= 500:
        if how == "interrupt":
            signal.raise_signal(signal.SIGINT)  # (a Ctrl-C, as the user's)
        if how == "answer":
            raise RuntimeError("down")
    if how.startswith("after ") and CALLS[0] > int(how.split()[1]):
        raise RuntimeError("down")
    if how.startswith("kill ") and CALLS[0] > int(how.split()[1]):
        os.kill(os.getpid(), signal.SIGKILL)
    rows = np.asarray(rows, dtype=object)
    return ((rows[:, 1] == "M") & (rows[:, 2].astype(float) > 38)).astype(int)
"""


def _run(tmp_path: Path, flag: str) -> tuple[int, str, str, str]:
    """A tiny run (200 queries, 60 rows) of ``MODEL`` writing its three reports."""
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    (tmp_path / "flag").write_text(flag, encoding="utf-8")
    lines = ["age,sex,hours"]
    lines += [f"{20 + i % 40},{'MF'[i % 2]},{20 + (i * 7) % 40}" for i in range(60)]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = str(tmp_path / "s.db")
    res = CliRunner().invoke(
        app,
        [
            *("fairness", f"{tmp_path / 'm.py'}:f", "--data", str(tmp_path / "d.csv")),
            *("--protected", "sex", "--max-queries", "200", "--seed", "1", "--store", store),
            *("--report", str(tmp_path / "r.json"), "--junit", str(tmp_path / "r.xml")),
            *("--html", str(tmp_path / "r.html")),
        ],
    )
    run_id = RunStore(store).list_runs()[0].id
    return res.exit_code, " ".join(res.output.split()), store, run_id


def fixed_after_answer(tmp_path: Path, *, changed: bool = False) -> tuple[str, str]:
    """``_run``'s run whose model failed after its search (exit 3), its model then fixed
    (the flag gone): the store and the run's id.  ``changed``: its model file changed too,
    so a resume of it is refused before it begins (exit 2)."""
    code, said, store, run_id = _run(tmp_path, "answer")
    assert code == 3, said
    (tmp_path / "flag").unlink()
    if changed:
        with (tmp_path / "m.py").open("a", encoding="utf-8") as f:
            f.write("# changed\n")
    return store, run_id


def _document(path: Path) -> dict:
    doc = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.validate(doc, load_schema())
    return doc


def test_a_run_failed_after_its_search_reads_unfinished_and_exit_3_in_its_reports(
    tmp_path: Path,
) -> None:
    code, said, store, run_id = _run(tmp_path, "answer")
    assert code == 3, said
    doc = _document(tmp_path / "r.json")
    assert doc["run"]["status"] == "unfinished" and doc["run"]["search_status"] == "completed"
    assert doc["exit_code"] == 1  # the verdict, as `assay report` exits: its findings fail
    assert doc["command_exit_code"] == 3
    assert doc["command_exit"].startswith("assay fairness exited 3 (the model failed)")
    assert "verdict as it is stored is exit 1" in doc["command_exit"]
    junit = (tmp_path / "r.xml").read_text(encoding="utf-8")
    assert '<property name="status" value="unfinished" />' in junit
    assert '<property name="search_status" value="completed" />' in junit
    assert "assay fairness exited 3" in junit
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert ">unfinished</span>" in page and ">completed</span>" not in page
    assert "assay fairness exited 3 (the model failed)" in page
    # read later, the same: `assay report RUN --json`
    res = CliRunner().invoke(app, ["report", run_id, "--store", store, "--json"])
    later = json.loads(res.stdout)
    assert later["run"]["status"] == "unfinished" and later["command_exit_code"] == 3
    assert res.exit_code == later["exit_code"] == 1
    # resumed, its model answering again: finished, and the resume's exit code is the run's
    (tmp_path / "flag").unlink()
    res = CliRunner().invoke(
        app, ["resume", run_id, "--store", store, "--report", str(tmp_path / "r2.json")]
    )
    assert res.exit_code == 1, res.output
    doc = _document(tmp_path / "r2.json")
    assert doc["run"]["status"] == doc["run"]["search_status"] == "completed"
    assert doc["command_exit_code"] == doc["exit_code"] == 1
    assert doc["command_exit"] == "assay resume exited 1 (findings at or above --fail-on)"


def test_a_run_made_from_python_keeps_no_command_exit_code(tmp_path: Path) -> None:
    """The API's run has no command: null, not a made-up code."""
    import numpy as np
    import pandas as pd

    from assay import check_fairness

    data = pd.DataFrame({"age": np.arange(60) % 40 + 20, "sex": ["M", "F"] * 30})
    result = check_fairness(
        lambda X: (np.asarray(X)[:, 0].astype(float) > 38).astype(int),
        data=data,
        protected="sex",
        max_queries=100,
        seed=1,
        store=str(tmp_path / "s.db"),
    )
    doc = build_document(RunStore(tmp_path / "s.db"), result.run_id)
    assert doc["command_exit_code"] is None and doc["command_exit"] is None
    assert doc["run"]["status"] == doc["run"]["search_status"]


def test_an_interrupt_in_the_answer_prints_unfinished(tmp_path: Path) -> None:
    """words37's Left 1: on main "run ...: completed" after "its answer is missing"."""
    _, said, _, run_id = _run(tmp_path, "interrupt")
    assert f"run {run_id}: unfinished" in said, said
    assert f"run {run_id}: completed" not in said
    assert "the run is unfinished, its answer is missing" in said
    assert _document(tmp_path / "r.json")["run"]["status"] == "unfinished"


def test_a_model_failing_in_the_determinism_checks_is_said_a_failure(tmp_path: Path) -> None:
    """words37's Left 2: on main "the run was stopped after its search ended", beside exit 3;
    the failed run still finishes once its model answers (its reason taken away)."""
    code, said, store, run_id = _run(tmp_path, "after 17")
    assert code == 3, said
    assert "the run's model failed after its search ended, before the run added its " in said
    assert "determinism section" in said and "was stopped" not in said
    os.remove(tmp_path / "flag")
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store])
    assert res.exit_code == 1, res.output
    summary = RunStore(store).get_run(run_id).summary
    assert not summary.get("incomplete_reason") and not summary.get("unfinished")


def test_a_resume_from_python_leaves_no_earlier_commands_exit_code(tmp_path: Path) -> None:
    """The command's 3 is not the run's once Python finished it (no command: null)."""
    from assay import resume_run

    store, run_id = fixed_after_answer(tmp_path)
    resume_run(run_id, store=store)
    doc = build_document(RunStore(store), run_id)
    assert doc["run"]["status"] == "completed" and doc["command_exit_code"] is None


def test_an_unfinished_runs_json_says_the_resume_that_finishes_it(tmp_path: Path) -> None:
    """repro40: the terminal's ``assay show`` says "finish it, no new search: assay resume
    RUN ..." for an unfinished run, yet ``show --json``/``runs --json`` gave ``resume`` null,
    as for a run with nothing left to do (a script reading it left the run NOT EVERYTHING
    WAS TESTED; found killing a backdoor scan as it asked its images again)."""
    code, said, store, run_id = _run(tmp_path, "answer")
    assert code == 3, said
    shown = json.loads(CliRunner().invoke(app, ["show", run_id, "--store", store, "--json"]).stdout)
    assert shown["status"] == "unfinished"
    assert isinstance(shown["resume"], str) and f"resume {run_id} --store" in shown["resume"]
    listed = json.loads(CliRunner().invoke(app, ["runs", "--store", store, "--json"]).stdout)
    assert listed["runs"][0]["resume"] == shown["resume"]
    terminal = CliRunner().invoke(app, ["show", run_id, "--store", store]).output
    assert shown["resume"] in " ".join(terminal.split())
