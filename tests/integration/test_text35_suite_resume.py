"""A CheckList suite run (``--oracle suite``: INV, DIR and MFT of a grammar reading a
lexicon file) killed with -9 and resumed ends with the findings, tests and per-test counts
of an uninterrupted run (text35)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from slowed_search import slowed, slowed_env

from assay.core.store import RunStore
from assay.text.builtin_grammars import builtin_grammar_path
from assay.text.summary import SEARCH_RATE, SEARCH_SHARE, WALL_SHARE

FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
MEALS = [
    "food",
    "service",
    "waiter",
    "pasta",
    "dessert",
    "staff",
    "menu",
    "pizza",
    "soup",
    "coffee",
]
TESTS = '%expect good -> 1\n%expect bad -> 0\n%expect neg: "not" -> not 1\n'


def _grammar(folder: Path) -> Path:
    """The built-in reviews grammar, its meals read from a lexicon file, three MFT added."""
    lines = builtin_grammar_path("reviews").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("meal ->"))
    lines[at : at + 2] = ["%lexicon meal meals.txt"]
    (folder / "meals.txt").write_text("\n".join(MEALS) + "\n")
    grammar = folder / "reviews.cfg"
    grammar.write_text("\n".join(lines) + "\n" + TESTS)
    return grammar


def _assay(grammar: Path, store: Path, slow_ms: int = 0) -> subprocess.Popen[str]:
    """The suite's run; with ``slow_ms``, each classifier call of its search waits that long,
    so that the run cannot end between two looks at its store (flaky50)."""
    argv = [
        "text",
        f"{FAKES}:negation_blind",
        "--grammar",
        str(grammar),
        "--oracle",
        "suite",
        "--max-queries",
        "20000",
        "--seed",
        "11",
        "--quiet",
        "--store",
        str(store),
    ]
    return subprocess.Popen(
        slowed(argv, slow_ms) if slow_ms else [sys.executable, "-m", "assay", *argv],
        env=slowed_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _found(store: Path) -> tuple[list[tuple[str, str, str]], dict[str, object]]:
    with RunStore(store) as s:
        (run,) = s.list_runs()
        rows = sorted(
            (str(b.inputs[i][0]), str(b.inputs[i][1]),
             str(b.details["tests"][int(b.columns["relation"][i])]))
            for b in s.iter_batches(run.id)
            for i in range(len(b))
        )  # fmt: skip
        return rows, run.summary


@pytest.mark.slow
def test_kill_9_then_resume_of_a_suite_gives_the_uninterrupted_runs_tests(
    tmp_path: Path,
) -> None:
    grammar = _grammar(tmp_path)
    clean = _assay(grammar, tmp_path / "clean.db")
    _, err = clean.communicate(timeout=600)
    assert clean.returncode == 1, err
    crash_store = tmp_path / "crash.db"
    proc = _assay(grammar, crash_store, slow_ms=50)
    deadline = time.monotonic() + 300
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if crash_store.exists():
            s = RunStore(crash_store)
            runs = s.list_runs()
            n = s.count_findings(runs[0].id) if runs else 0
            s.close()
            if n > 0:
                os.kill(proc.pid, signal.SIGKILL)
                killed = True
                break
    proc.communicate(timeout=60)
    assert killed, "the run ended before it could be killed; raise --max-queries"
    run_id = RunStore(crash_store).list_runs()[0].id
    resumed = subprocess.run(
        [sys.executable, "-m", "assay", "resume", run_id, "--store", str(crash_store),
         "--quiet"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert resumed.returncode == 1, resumed.stderr
    a, sa = _found(tmp_path / "clean.db")
    b, sb = _found(crash_store)
    assert len(a) > 0 and a == b
    tests = {t for _, _, t in a}
    assert any("%expect" in t for t in tests) and any("%directional" in t for t in tests)
    assert sa["text"]["tests"] == sb["text"]["tests"]  # type: ignore[index]
    timed = ("errors per second", SEARCH_RATE, SEARCH_SHARE, WALL_SHARE, "wall-clock seconds")
    ma, mb = dict(sa["metrics"]), dict(sb["metrics"])  # type: ignore[call-overload]
    assert {k: v for k, v in ma.items() if k not in timed} == {
        k: v for k, v in mb.items() if k not in timed
    }
