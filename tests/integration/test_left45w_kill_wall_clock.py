"""left45w: a text or backdoor run killed (SIGKILL) in its search and resumed counted the
killed session's search alone in its wall clock (the engine's seconds of its last
checkpoint): its loading and the checks before its search were lost, and every rate per
second over the run's wall clock (errors per second, seconds per image) flattered it.  Each
session's search start is now kept with the run as it begins (``core.search_starts``, as
fairness keeps it): the resume counts the killed session from its own start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.cli.app import main
from assay.core.store import RunStore

SLOW = 5.0  # the seconds the killed session's checks before its search are made longer

# run the CLI in a process that sleeps SLOW seconds in ``check`` (the checks before the
# search), makes the model slower in its search (``predict``: the search outlives the kill)
# and kills itself (SIGKILL: no handler, no cleanup) 1.5 s after its search began, once a
# checkpoint of its search is written (the test reads its elapsed seconds: on a loaded
# machine the search's first checkpoint once came after 1.5 s: flaky50)
KILLED = """
import os, signal, sys, threading, time
import importlib
from assay.core.store import RunStore
written, checkpoint = threading.Event(), RunStore.checkpoint
def checkpointed(self, *a, **k):
    checkpoint(self, *a, **k)
    if float((k.get("progress") or {}).get("elapsed") or 0) > 0 and k.get("status") is None:
        written.set()
RunStore.checkpoint = checkpointed
def kill():
    time.sleep(1.5)
    written.wait()
    os.kill(os.getpid(), signal.SIGKILL)
where, check, run = sys.argv[1:4]
place = importlib.import_module(where)
checked = getattr(place, check)
def slow(*a, **k):
    time.sleep({slow})
    return checked(*a, **k)
setattr(place, check, slow)
searched = importlib.import_module(run)
execute = searched.execute
def begun(technique, model, *a, **k):
    if hasattr(model, "predict"):
        predict = model.predict
        def slower(x):
            time.sleep(0.03)
            return predict(x)
        model.predict = slower
    threading.Thread(target=kill, daemon=True).start()
    return execute(technique, model, *a, **k)
searched.execute = begun
from assay.cli.app import main
main(sys.argv[4:])
""".replace("{slow}", str(SLOW))

CLASSIFIERS = '''
import time


def negation(batch):
    """'neg' for a sentence saying 'bad' or 'not' (a classifier that reads negation)."""
    time.sleep(0.01)
    return ["neg" if " bad" in s or " not " in s else "pos" for s in batch]


def words(batch):
    """'neg' for 'bad' alone: disagrees with ``negation`` on every 'not'."""
    time.sleep(0.01)
    return ["neg" if " bad" in s else "pos" for s in batch]


negation.classes_ = words.classes_ = ["neg", "pos"]
'''

GRAMMAR = """s -> subj "was" q "."
subj -> "the food" | "the pasta" | "the service" | "the wine" | "our table" | "the room"
q -> "good" | "great" | "bad" | "fine" | "okay" | "not" q | "very" q | "really" q
"""


def _kill_then_resume(
    tmp_path: Path, hooks: list[str], args: list[str]
) -> tuple[dict, dict, list[list[float]]]:
    """Run ``assay ARGS`` killed in its search (``hooks``: the module and function of its
    checks before the search, and the module whose ``execute`` runs it), resume it; the
    killed run's record, the resumed run's report summary and the run's kept starts."""
    store = tmp_path / "runs.db"
    args = [*args, "--store", str(store), "--quiet"]
    here = str(Path(assay.__file__).parents[1])  # (the assay under test)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED, *hooks, *args], env={**os.environ, "PYTHONPATH": here},
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    with RunStore(store, read_only=True) as runs:
        record = runs.get_run(runs.list_runs()[0].id)
    assert float(record.progress.get("elapsed") or 0.0) > 0  # (killed after a checkpoint)
    with pytest.raises(SystemExit):
        main(["resume", record.id, "--store", str(store), "--report", "r.json", "--quiet"])
    report = json.loads((tmp_path / "r.json").read_text())["run"]
    with RunStore(store, read_only=True) as runs:
        starts = runs.get_run(record.id).config["budget"].get("search_sessions")  # (main: none)
    return {"progress": record.progress}, report, starts


def _check_wall(killed: dict, report: dict, starts: list[list[float]]) -> float:
    """The resumed run's wall clock from its start: the killed session's SLOW seconds before
    its search and its search's seconds, then the resumed session's; returns it."""
    engine = float(report["progress"]["elapsed"])  # (every session's search)
    wall = float(report["summary"]["metrics"]["wall-clock seconds"])
    # main: the engine's seconds and the resumed session's loading alone (SLOW s short)
    assert wall >= SLOW + engine
    (first, zero), (again, own) = starts
    assert first >= SLOW and zero == 0.0
    # the resumed session's search began after the killed session's start, its search
    # through its last checkpoint and the resumed session's loading
    assert own >= float(killed["progress"]["elapsed"]) > 0
    assert again >= first + own
    assert wall >= again + (engine - own) - 0.05
    return wall


def test_a_text_run_killed_in_its_search_counts_its_checks_in_the_resumed_wall_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clf.py").write_text(CLASSIFIERS)
    (tmp_path / "g.cfg").write_text(GRAMMAR)
    args = ["text", "clf.py:negation", "clf.py:words", "--grammar", "g.cfg"]
    args += ["--max-queries", "400000", "--seed", "1"]
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")  # (the kill hook's model: in-process)
    hooks = ["assay.text.phases", "_probe", "assay.text.phases"]
    killed, report, starts = _kill_then_resume(tmp_path, hooks, args)
    wall = _check_wall(killed, report, starts)
    metrics = report["summary"]["metrics"]
    errors = float(metrics["errors found (distinct failing sentences)"])
    assert errors > 0
    # the run's errors per second: over that wall clock (main: over one SLOW s shorter)
    assert metrics["errors per second"] == pytest.approx(errors / wall, rel=0.02)


def test_a_backdoor_run_killed_in_its_scan_counts_its_check_in_the_resumed_wall_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["backdoor", "builtin:trojan", "--seed", "0"]
    hooks = ["assay.backdoor.api", "check_steadiness", "assay.backdoor.phases"]
    killed, report, starts = _kill_then_resume(tmp_path, hooks, args)
    wall = _check_wall(killed, report, starts)
    metrics = report["summary"]["metrics"]
    per_image = metrics["seconds per image (wall clock from the run's start)"]
    assert per_image * 60 == pytest.approx(wall, rel=0.02)  # (builtin:trojan: 60 images)
