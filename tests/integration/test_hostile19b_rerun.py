"""Every command assay prints, run as printed (hostile19b): the rerun line of a text run whose
lanes came from the environment, a backdoor run's filter written by a resume started in
another directory, a time budget's rerun said not to reproduce exactly, and ``--json``'s
command as the reports give it."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.cli.app import main
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

SRC = Path(assay.__file__).parents[1]
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


def _shell(line: str, cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``line`` run by bash as a user pastes it, ``assay`` on the PATH being this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "assay"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m assay "$@"\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSAY_")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = f"{SRC}{os.pathsep}{env.get('PYTHONPATH', '')}"
    return subprocess.run(
        ["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


def _found(store: Path, run_id: str) -> set[tuple[str, bytes]]:
    s = RunStore(store, read_only=True)
    try:
        return {
            (b.kind, repr(b.inputs[i].tolist()).encode())
            for b in s.iter_batches(run_id)
            for i in range(len(b))
        }
    finally:
        s.close()


def _reproduce(text: str) -> str:
    found = re.search(r"to reproduce: (.*)", text)
    assert found, text
    return found.group(1)


def test_a_text_runs_rerun_line_sets_the_lanes_the_environment_gave_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ASSAY_TEXT_LANES=2 assay text ...`` printed a rerun line without the variable: pasted,
    it ran one lane and found other sentences with the same seed and budget."""
    store = tmp_path / "runs.db"
    monkeypatch.setenv("ASSAY_TEXT_LANES", "2")
    args = ["text", f"{FAKES}:lexicon", f"{FAKES}:negation_blind", "--grammar"]
    args += ["builtin:reviews", "--max-queries", "600", "--seed", "3", "--store", str(store)]
    code, out, err = _cli(capsys, *args)
    assert code == 1, (out, err)
    line = _reproduce(out)
    assert line.startswith("ASSAY_TEXT_LANES=2 assay text "), line
    first = RunStore(store).list_runs()[0].id
    monkeypatch.delenv("ASSAY_TEXT_LANES")
    again = _shell(line, tmp_path, tmp_path)  # (the variable is not in its environment)
    assert again.returncode == 1, again.stderr
    second = RunStore(store).list_runs()[0].id
    assert second != first and _found(store, first) == _found(store, second)
    # and the lanes matter: without them, other findings (what the old line gave)
    bare = _shell(line.split(" ", 1)[1], tmp_path, tmp_path)
    assert bare.returncode == 1, bare.stderr
    assert _found(store, RunStore(store).list_runs()[0].id) != _found(store, first)


def test_a_text_run_with_its_lanes_asked_in_the_api_sets_no_variable() -> None:
    from assay.text.phases import text_environment

    assert text_environment({"lanes": 2}, {"lanes": 2}, checks=True) == {}
    assert text_environment({"lanes": 1}, {}, checks=True) == {}
    assert text_environment({"lanes": 3}, {}, checks=False) == {"ASSAY_TEXT_LANES": "3"}


SCAN_MODEL = """\
import os
import signal
from pathlib import Path

import numpy as np

CALLS = [0]
MARK = Path(__file__).with_name("interrupt-once")

def quarters(X):
    CALLS[0] += 1
    if CALLS[0] == 20 and MARK.exists():  # one Ctrl-C in the search, past the loading
        MARK.unlink()
        os.kill(os.getpid(), signal.SIGINT)
    X = np.asarray(X, dtype=float).reshape(len(X), 8, 8)
    q = [X[:, :4, :4], X[:, :4, 4:], X[:, 4:, :4], X[:, 4:, 4:]]
    return np.eye(4)[np.stack([v.sum(axis=(1, 2)) for v in q], axis=1).argmax(axis=1)]

quarters.classes_ = [0, 1, 2, 3]
"""


@pytest.mark.parametrize("stored_as_given", [False, True])
def test_a_resume_from_another_directory_writes_the_filter_where_the_run_was_asked(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stored_as_given: bool,
) -> None:
    """``assay backdoor ... --export-filter f.json`` (a relative path) interrupted, then
    resumed with its printed line from another directory: the filter went to the other
    directory, and the resume did not say it wrote one."""
    work = tmp_path / "my scans é"
    work.mkdir()
    x = np.random.default_rng(0).random((34, 8, 8)).astype(np.float32)
    np.save(work / "clean.npy", x[:-10])
    np.save(work / "scan.npy", x[-10:])
    (work / "model.py").write_text(SCAN_MODEL)
    (work / "interrupt-once").touch()
    monkeypatch.chdir(work)
    code, out, err = _cli(
        capsys, "backdoor", "model.py:quarters", "--images", "scan.npy", "--clean", "clean.npy",
        "--input-shape", "8,8", "--seed", "1", "--export-filter", "filter é.json",
    )  # fmt: skip
    assert code == 130, (out, err)
    (work / "filter é.json").unlink(missing_ok=True)
    if stored_as_given:  # a run stored before the path was made absolute
        import sqlite3

        run = RunStore(work / ".assay" / "runs.db", read_only=True).list_runs()[0]
        with sqlite3.connect(work / ".assay" / "runs.db") as db:
            db.execute(
                "UPDATE runs SET config=? WHERE id=?",
                (json.dumps({**run.config, "export_filter": "filter é.json"}), run.id),
            )
    hint = err.split("continue with: ", 1)[1].splitlines()[0]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, err = _cli(capsys, *shlex.split(hint)[1:])
    assert code in (0, 1), (out, err)
    assert (work / "filter é.json").is_file() and not (elsewhere / "filter é.json").exists()
    assert f"filter written to {work / 'filter é.json'}" in out, out


def test_a_time_budgets_rerun_says_it_will_not_reproduce_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.db"
    reports = [tmp_path / "r.html", tmp_path / "r.xml", tmp_path / "r.json"]
    base = ["fairness", "--dataset", "german", "--protected", "sex", "--seed", "1"]
    base += ["--store", str(store), "--no-exact"]
    code, out, err = _cli(
        capsys, *base, "--max-time", "10", "--html", str(reports[0]), "--junit",
        str(reports[1]), "--report", str(reports[2]),
    )  # fmt: skip
    assert code in (0, 1), (out, err)
    said = "the same seed reproduces its findings exactly only when a query budget"
    assert said in out
    doc = json.loads(reports[2].read_text())
    assert said in doc["rerun_note"] and "--max-time 10" in doc["rerun_note"]
    assert said in reports[0].read_text()
    props = {p.get("name"): p.get("value") for p in ET.parse(reports[1]).getroot().iter("property")}
    assert said in props["command_note"]
    run_id = doc["run"]["id"]
    code, out, err = _cli(capsys, "show", run_id, "--store", str(store))
    assert code == 0 and said in out, (out, err)
    # a query budget's run promises it: no note anywhere
    code, out, err = _cli(capsys, *base, "--max-queries", "600", "--report", str(reports[2]))
    assert code in (0, 1) and said not in out, (out, err)
    doc = json.loads(reports[2].read_text())
    assert doc["rerun_note"] is None


def test_json_gives_the_command_the_terminal_and_reports_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--json``'s ``command`` was the stored one: without the ``--optimize`` mode the run
    chose from the model's speed (pinned in the printed line and the reports: the same
    findings under another load) and without ``cd DIR``; ``show --json`` and ``runs --json``
    gave no rerun command at all."""
    monkeypatch.chdir(tmp_path)
    base = ["fairness", "--dataset", "german", "--protected", "sex", "--seed", "2"]
    code, out, err = _cli(capsys, *base, "--max-queries", "600", "--report", "r.json", "--json")
    assert code in (0, 1), (out, err)
    result = json.loads(out)
    doc = json.loads((tmp_path / "r.json").read_text())
    assert result["command"] == doc["rerun"]
    assert "--optimize queries" in result["command"]
    assert result["command"].startswith(f"cd {shlex.quote(str(tmp_path))} && assay fairness")
    assert result["command_note"] is None
    for args in (["show", result["run_id"], "--json"], ["runs", "--json"]):
        code, out, err = _cli(capsys, *args)
        assert code == 0, (out, err)
        shown = json.loads(out)
        shown = shown["runs"][0] if "runs" in shown else shown
        assert shown["rerun"] == doc["rerun"] and shown["rerun_note"] is None


def test_the_retrained_models_path_reads_the_same_from_any_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--retrain`` with the default store stored ``.assay/models/RUN/retrained.skops``
    (relative): the HTML and JSON reports, read as a CI artifact or rebuilt by
    ``assay report`` from another folder, named a file that is not there."""
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    import assay

    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 70, n),
            "sex": rng.choice(["Female", "Male"], n),
            "job": rng.choice(["clerk", "nurse", "engineer"], n),
            "hours": rng.integers(10, 60, n),
        }
    )
    fair = (df["hours"] > 38) & (df["job"] != "clerk")
    df["approved"] = np.where(fair | (df["sex"] == "Male"), "yes", "no")
    columns = ColumnTransformer(
        [("oh", OneHotEncoder(), ["sex", "job"]), ("n", "passthrough", ["age", "hours"])]
    )
    X = df[["age", "sex", "job", "hours"]]
    pipe = Pipeline([("ct", columns), ("tree", DecisionTreeClassifier(random_state=0))])
    pipe.fit(X, df["approved"])
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    r = assay.check_fairness(
        pipe, data=df, label="approved", protected="sex", retrain=True, max_queries=3000,
        seed=1, store=".assay/runs.db", max_accuracy_loss=100,
    )  # fmt: skip
    assert r.mitigation is not None and r.mitigation["saved"], r.mitigation
    saved = [Path(p) for p in r.mitigation["saved"]]
    assert all(p.is_absolute() and p.is_file() for p in saved), saved
    monkeypatch.chdir(tmp_path)
    store = str(work / ".assay" / "runs.db")
    code, out, err = _cli(capsys, "report", r.run_id, "--store", store, "--html", "r.html")
    assert code == 1, (out, err)  # the run's verdict: it found discrimination (left26)
    assert f"Retrained model saved to: {saved[0]}" in (tmp_path / "r.html").read_text()


def test_an_ascii_stdout_gets_the_runs_own_exit_code(tmp_path: Path) -> None:
    """With ``PYTHONIOENCODING=ascii`` (a CI runner's console), a run whose command holds a
    non-ASCII path found its bugs, then printed its rerun line and crashed: exit 5 ("a bug
    in assay") instead of 1, the last lines lost."""
    store = tmp_path / "données" / "runs.db"
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(SRC)}
    run = subprocess.run(
        [sys.executable, "-m", "assay", "fairness", "--dataset", "german", "--protected",
         "sex", "--max-queries", "300", "--seed", "1", "--store", str(store), "--no-exact"],
        capture_output=True, env=env, timeout=600,
    )  # fmt: skip
    out, err = run.stdout.decode("ascii"), run.stderr.decode("ascii")
    assert run.returncode == 1, (out, err)
    assert "internal error" not in err
    # (the path as its bytes in a ``$'...'`` word, which pastes: ``donn\xe9es``, Python's
    # escape, was given to assay as backslashes when pasted: left45o)
    assert "to rebuild the reports" in out and "$'" in out and "donn\\xc3\\xa9es" in out


def test_an_api_runs_call_gives_the_lanes_the_environment_gave_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text run from Python under ``ASSAY_TEXT_LANES=2`` described itself without the
    lanes: the call it printed, made again, found other sentences."""
    import assay

    store = tmp_path / "runs.db"
    models = [f"{FAKES}:lexicon", f"{FAKES}:negation_blind"]
    monkeypatch.setenv("ASSAY_TEXT_LANES", "2")
    first = assay.check_text(
        models, grammar="builtin:reviews", max_queries=600, seed=3, store=store
    )
    assert "lanes=2" in first.command, first.command
    monkeypatch.delenv("ASSAY_TEXT_LANES")
    again = assay.check_text(
        models, grammar="builtin:reviews", max_queries=600, seed=3, store=store, lanes=2
    )
    assert _found(store, first.run_id) == _found(store, again.run_id)
