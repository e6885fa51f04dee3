"""The exit code kept with a run: the cases mutation39's mutants showed untested.

A resume that began and then failed (its model down again) keeps its own exit 3 and writes
the run's reports (not the refused resume's one JUnit error); an interrupted run's kept 130
reads "interrupted"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import test_status38_shown_status as base  # (its model and data: tests/unit)
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.report import build_document

register()


def _files(tmp_path: Path, flag: str) -> None:
    """status38's model, flag and data, for a command run otherwise than by its ``_run``."""
    (tmp_path / "m.py").write_text(base.MODEL, encoding="utf-8")
    (tmp_path / "flag").write_text(flag, encoding="utf-8")
    lines = ["age,sex,hours"]
    lines += [f"{20 + i % 40},{'MF'[i % 2]},{20 + (i * 7) % 40}" for i in range(60)]
    (tmp_path / "d.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_resume_whose_model_fails_again_keeps_its_own_exit_3_and_writes_the_reports(
    tmp_path: Path,
) -> None:
    """The resume began (its checks passed), then its model failed in the answer: exit 3,
    kept as the resume's (not "began ... kept no exit code"), and its --report/--junit are
    the run's, as they stand (not the one error of a resume refused before it began)."""
    code, said, store, run_id = base._run(tmp_path, "answer")
    assert code == 3, said
    report, junit = tmp_path / "r2.json", tmp_path / "r2.xml"
    res = CliRunner().invoke(
        app, ["resume", run_id, "--store", store, "--report", str(report), "--junit", str(junit)]
    )
    assert res.exit_code == 3, res.output
    doc = build_document(RunStore(store), run_id)
    assert doc["command_exit_code"] == 3, doc["command_exit"]
    assert doc["command_exit"].startswith("assay resume exited 3 (the model failed)")
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["run"]["status"] == "unfinished" and written["command_exit_code"] == 3
    text = junit.read_text(encoding="utf-8")
    assert "not resumed" not in text and "assay resume exited 3" in text
    # the resume's reports are those show's and runs' resume hints repeat from now on
    reports = RunStore(store).get_run(run_id).config["reports"]
    assert Path(reports["--report"]) == report.resolve(), reports
    assert Path(reports["--junit"]) == junit.resolve(), reports


def test_an_interrupted_run_keeps_exit_130_said_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C during the search (the model's third call): exit 130, kept and said as an
    interrupt."""
    model = base.MODEL.replace(
        '    if how.startswith("kill ")',
        '    if how.startswith("int ") and CALLS[0] > int(how.split()[1]):\n'
        "        signal.raise_signal(signal.SIGINT)\n"
        '    if how.startswith("kill ")',
    )
    monkeypatch.setattr(base, "MODEL", model)
    code, said, _store, _run_id = base._run(tmp_path, "int 3")
    assert code == 130, said
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["command_exit_code"] == 130
    assert doc["command_exit"].startswith("assay fairness exited 130 (interrupted)")


def test_a_refused_resumes_junit_case_is_not_resumed(tmp_path: Path) -> None:
    """A resume refused (its model file changed): its --junit file's one error is the case
    "not resumed", naming the run left as it was (not "no run ... before a run was made")."""
    code, said, store, run_id = base._run(tmp_path, "answer")
    assert code == 3, said
    with (tmp_path / "m.py").open("a", encoding="utf-8") as f:
        f.write("# changed\n")
    junit = tmp_path / "r3.xml"
    res = CliRunner().invoke(app, ["resume", run_id, "--store", store, "--junit", str(junit)])
    assert res.exit_code == 2, res.output
    text = junit.read_text(encoding="utf-8")
    assert 'name="not resumed"' in text and 'name="no run"' not in text, text
    assert f"assay resume stopped before it resumed run {run_id} (the run is as it was)" in text


def test_a_run_command_killed_says_it_did_not_end(tmp_path: Path) -> None:
    """kill -9 in the fairness command's search: its run says the command began and kept no
    exit code (not "none kept", as a run made from Python)."""
    _files(tmp_path, "kill 3")
    store = str(tmp_path / "s.db")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "assay", "fairness", f"{tmp_path / 'm.py'}:f"),
            *("--data", str(tmp_path / "d.csv"), "--protected", "sex"),
            *("--max-queries", "200", "--seed", "1", "--store", store),
        ],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr
    run_id = RunStore(store).list_runs()[0].id
    doc = build_document(RunStore(store), run_id)
    assert doc["command_exit_code"] is None
    assert (doc["command_exit"] or "").startswith(
        "assay fairness began on the run and kept no exit code"
    ), doc["command_exit"]


def test_a_resume_of_a_failed_run_interrupted_while_loading_keeps_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run failed in its search (exit 3); its resume, past its checks, is interrupted while
    its model loads: the run stays failed, the command exits 130 and keeps 130 (not the failed
    run's verdict)."""
    model = base.MODEL.replace(
        "CALLS = [0]\n",
        "CALLS = [0]\n"
        'if FLAG.exists() and FLAG.read_text() == "load":\n'
        "    signal.raise_signal(signal.SIGINT)\n",
    )
    monkeypatch.setattr(base, "MODEL", model)
    code, said, store, run_id = base._run(tmp_path, "after 3")
    assert code == 3, said
    assert RunStore(store).get_run(run_id).status == "failed"
    (tmp_path / "flag").write_text("load", encoding="utf-8")
    # (no gc.collect(): the failed run's lock was let go of as its command's call raised, api39)
    done = subprocess.run(  # (a process of its own: the model is imported afresh)
        [sys.executable, "-m", "assay", "resume", run_id, "--store", store],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 130, done.stderr
    doc = build_document(RunStore(store), run_id)
    assert doc["run"]["status"] == "failed"
    assert doc["command_exit_code"] == 130, doc["command_exit"]


def test_an_interrupt_in_the_answers_json_says_unfinished_beside_the_searchs_status(
    tmp_path: Path,
) -> None:
    """``--json`` of a run interrupted in its answer: ``status`` "unfinished" (as printed),
    ``search_status`` the stored "completed"."""
    _files(tmp_path, "interrupt")
    res = CliRunner().invoke(
        app,
        [
            *("fairness", f"{tmp_path / 'm.py'}:f", "--data", str(tmp_path / "d.csv")),
            *("--protected", "sex", "--max-queries", "200", "--seed", "1"),
            *("--store", str(tmp_path / "s.db"), "--json"),
        ],
    )
    doc = json.loads(res.stdout)
    assert doc["status"] == "unfinished" and doc["search_status"] == "completed", doc


def test_a_resumes_export_not_written_keeps_its_exit_2_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The resume that finishes a run (its model answering again) cannot write its
    ``--export`` (a full disk): exit 2, kept as the resume's with why (not the verdict's 1)."""
    import errno

    import pandas as pd

    code, said, store, run_id = base._run(tmp_path, "answer")
    assert code == 3, said
    (tmp_path / "flag").unlink()

    def full(self: object, *a: object, **k: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full)
    res = CliRunner().invoke(
        app, ["resume", run_id, "--store", store, "--export", str(tmp_path / "f.csv")]
    )
    assert res.exit_code == 2, res.output
    doc = build_document(RunStore(store), run_id)
    assert doc["exit_code"] == 1 and doc["command_exit_code"] == 2, doc["command_exit"]
    assert doc["command_exit"].startswith("assay resume exited 2 (its --export file was not")


def test_an_unfinished_run_that_found_nothing_is_no_pass_in_its_junit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model that never moves with ``sex``, failing in the answer after its search: nothing
    found, the run unfinished (its answer missing).  Its JUnit file is no pass: the search's
    status ("completed") judges it, not the shown "unfinished"."""
    import xml.etree.ElementTree as ET

    fair = base.MODEL.replace('((rows[:, 1] == "M") & (rows[:, 2].astype(float) > 38))',
                              "(rows[:, 2].astype(float) > 38)")  # fmt: skip
    assert fair != base.MODEL
    monkeypatch.setattr(base, "MODEL", fair)
    code, said, _store, _run_id = base._run(tmp_path, "answer")
    assert code == 3, said
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["findings"]["total"] == 0 and doc["run"]["status"] == "unfinished"
    suite = ET.parse(tmp_path / "r.xml").getroot()
    bad = suite.findall(".//failure") + suite.findall(".//error")
    assert bad, (tmp_path / "r.xml").read_text(encoding="utf-8")


def test_a_run_failed_in_its_search_is_a_junit_error_of_its_failure(tmp_path: Path) -> None:
    code, said, _store, _run_id = base._run(tmp_path, "after 3")
    assert code == 3, said
    text = (tmp_path / "r.xml").read_text(encoding="utf-8")
    assert 'type="run_failed"' in text, text


def test_an_unfinished_runs_page_says_its_search_and_its_command_once(tmp_path: Path) -> None:
    """The HTML head: "Search: ended: completed" under "unfinished", the command's exit in
    the head only (not again among the run's settings as ``command_exit``)."""
    code, said, _store, _run_id = base._run(tmp_path, "answer")
    assert code == 3, said
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<tr><th>Search</th><td>ended: completed</td></tr>" in page
    assert page.count("assay fairness exited 3") == 1 and "command_exit" not in page
    # its verdict judged as the search's (its findings fail it), not "none yet: not ended"
    assert "<tr><th>Verdict</th><td>fails: " in page and "none yet" not in page


def test_a_resume_of_an_ended_run_refused_leaves_its_call_timeout(tmp_path: Path) -> None:
    """``resume_run`` of a completed run with ``call_timeout``: "nothing to resume", and the
    run's budget as it was (a refused resume writes nothing)."""
    from test_words38_notebook_words import _frame, _model

    import assay
    from assay.errors import UsageError

    store = tmp_path / "s.db"
    r = assay.check_fairness(_model, _frame(), protected="sex", max_queries=300, seed=1,
                             store=store)  # fmt: skip
    before = RunStore(store).get_run(r.run_id).config["budget"]["call_timeout"]
    with pytest.raises(UsageError, match="nothing to resume"):
        assay.resume_run(r.run_id, store=store, call_timeout=before / 2)
    assert RunStore(store).get_run(r.run_id).config["budget"]["call_timeout"] == before


def test_a_new_store_gives_back_its_freed_pages(tmp_path: Path) -> None:
    """A store made now is incremental (``auto_vacuum`` 2: deleted resume state gives its
    pages back), though status38b sets it only on a store without tables."""
    import sqlite3

    path = tmp_path / "s.db"
    RunStore(path).close()
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA auto_vacuum").fetchone()[0] == 2
    con.close()
