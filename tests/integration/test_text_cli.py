"""``assay text`` end to end: exit codes, located usage errors, failing classifiers, reports,
and kill -9 then ``assay resume`` giving the findings of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from slowed_search import slowed, slowed_env
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.text.summary import SEARCH_RATE, SEARCH_SHARE, WALL_SHARE

register()
runner = CliRunner()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
GOOD = f"{FAKES}:lexicon"
BLIND = f"{FAKES}:negation_blind"


def _invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_planted_bug_exits_1_and_writes_reports(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    code, out = _invoke(
        "text", GOOD, BLIND, "--grammar", "builtin:reviews", "--max-queries", "800",
        "--seed", "2", "--store", str(store), "--html", str(tmp_path / "r.html"),
        "--report", str(tmp_path / "r.json"), "--junit", str(tmp_path / "r.xml"),
        "--export", str(tmp_path / "fail.jsonl"),
    )  # fmt: skip
    assert code == 1, out
    assert "disagreements found" in out
    html = (tmp_path / "r.html").read_text()
    assert "Minimal failing sentences" in html and "Productions most associated" in html
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["run"]["technique"] == "text" and doc["findings"]["total"] > 0
    assert "testcase" in (tmp_path / "r.xml").read_text()
    rows = [json.loads(x) for x in (tmp_path / "fail.jsonl").read_text().splitlines()]
    assert rows and {"minimal", "sentence", "margin", "times_found"} <= set(rows[0])
    # the rerun command names both models
    record = RunStore(store).list_runs()[0]
    assert GOOD in record.command and BLIND in record.command and "--seed 2" in record.command


def test_identical_classifiers_exit_0(tmp_path: Path) -> None:
    code, out = _invoke(
        "text", GOOD, f"{FAKES}:lexicon_again", "--grammar", "builtin:reviews",
        "--max-queries", "300", "--store", str(tmp_path / "runs.db"),
    )  # fmt: skip
    assert code == 0, out


@pytest.mark.parametrize(
    ("grammar", "needle"),
    [
        ("S -> 'a' B\n", "g.cfg:1:10: unknown symbol 'B'"),
        ("S -> 'a' | 'b\n", "g.cfg:1:12: unbalanced quote"),
        ("S -> 'a' T\nT -> T 'b'\n", "g.cfg:2:1: symbol 'T' can never finish deriving"),
    ],
)
def test_grammar_errors_exit_2_with_location(tmp_path: Path, grammar: str, needle: str) -> None:
    g = tmp_path / "g.cfg"
    g.write_text(grammar)
    code, out = _invoke("text", GOOD, BLIND, "--grammar", str(g), "--store", str(tmp_path / "r.db"))
    assert code == 2, out
    assert needle in " ".join(out.split()).replace(f"{tmp_path}/", ""), out
    assert "Traceback" not in out


def test_label_map_with_an_unknown_label_exits_2_with_location(tmp_path: Path) -> None:
    m = tmp_path / "map.txt"
    m.write_text("# map\n2 pos -> positive\n")
    code, out = _invoke(
        "text",
        "builtin:vader",
        GOOD,
        "--grammar",
        "builtin:reviews",
        "--label-map",
        str(m),
        "--store",
        str(tmp_path / "r.db"),
    )
    assert code == 2, out
    flat = " ".join(out.split())
    assert "map.txt:2:3" in flat and "has no label 'pos'" in flat


def test_different_label_sets_without_a_map_exit_2(tmp_path: Path) -> None:
    code, out = _invoke(
        "text",
        "builtin:vader",
        GOOD,
        "--grammar",
        "builtin:reviews",
        "--store",
        str(tmp_path / "r.db"),
    )
    assert code == 2, out
    assert "--label-map" in out and "name their labels differently" in " ".join(out.split())


def test_a_label_map_makes_different_label_sets_comparable(tmp_path: Path) -> None:
    m = tmp_path / "map.txt"
    m.write_text("2 0 -> negative\n2 1 -> positive\n")
    code, out = _invoke(
        "text",
        "builtin:vader",
        GOOD,
        "--grammar",
        "builtin:reviews",
        "--label-map",
        str(m),
        "--max-queries",
        "200",
        "--store",
        str(tmp_path / "r.db"),
        "--report",
        str(tmp_path / "r.json"),
    )
    assert code in (0, 1), out
    doc = json.loads((tmp_path / "r.json").read_text())
    labels = doc["run"]["summary"]["text"]["labels"]
    assert labels["unmapped"] == {"vader": ["neutral"]}


@pytest.mark.parametrize(
    ("fn", "needle"),
    [
        ("breaks_later", "the tokenizer service is down"),
        ("wrong_shape_later", "3 columns"),
        # the classifiers answer in a worker process: one that ends it, or crashes, is a
        # model failure (exit 3), not the end of assay
        ("exits_later", "os._exit(1)"),
        ("crashes_later", "killed by SIGSEGV"),
    ],
)
def test_failing_classifier_exits_3_and_keeps_findings(
    tmp_path: Path, fn: str, needle: str
) -> None:
    store = tmp_path / "runs.db"
    proc = subprocess.run(
        [sys.executable, "-m", "assay", "text", GOOD, f"{FAKES}:{fn}", "--grammar",
         "builtin:reviews", "--max-queries", "100000", "--seed", "3", "--store", str(store)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert needle in " ".join(proc.stderr.split())
    assert "Traceback" not in proc.stderr
    (run,) = RunStore(store).list_runs()
    assert run.status == "failed"
    assert run.n_findings > 0


ARGS = ["text", GOOD, BLIND, "--grammar", "builtin:reviews", "--max-queries", "20000",
        "--seed", "11", "--quiet"]  # fmt: skip


def _assay(*args: str, store: Path, slow_ms: int = 0) -> subprocess.Popen[str]:
    """``assay ARGS``; with ``slow_ms``, each classifier call of its search waits that long,
    so that the run cannot end between two looks at its store (flaky50)."""
    argv = [*args, "--store", str(store)]
    return subprocess.Popen(
        slowed(argv, slow_ms) if slow_ms else [sys.executable, "-m", "assay", *argv],
        env=slowed_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _found(store: Path) -> tuple[str, list[tuple[str, str]], dict[str, object]]:
    s = RunStore(store)
    (run,) = s.list_runs()
    rows = sorted(
        (str(b.inputs[i][0]), str(b.inputs[i][1])) for b in s.iter_batches(run.id)
        for i in range(len(b))
    )  # fmt: skip
    s.close()
    return run.id, rows, run.summary


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variable", "lanes", "more"),
    [
        ("ASSAY_TEXT_LANES", "1", ()),
        ("ASSAY_TEXT_LANES", "2", ()),
        # (explore: lagged in every step; the walk stops lagging where errors are common)
        ("ASSAY_TEXT_LAG", "4", ("--strategy", "explore")),
    ],
)
def test_kill_9_then_resume_gives_the_findings_of_an_uninterrupted_run(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    lanes: str,
    more: tuple[str, ...],
) -> None:
    monkeypatch.setenv(variable, lanes)  # kept by the run: the resume has none
    args = [*ARGS, *more]
    clean = _assay(*args, store=tmp_path / "clean.db")
    _, err = clean.communicate(timeout=600)
    assert clean.returncode in (0, 1), err
    crash_store = tmp_path / "crash.db"
    proc = _assay(*args, store=crash_store, slow_ms=50)
    deadline = time.monotonic() + 300
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
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
    assert RunStore(crash_store).get_run(run_id).status == "running"
    monkeypatch.delenv(variable)
    resumed = subprocess.run(
        [sys.executable, "-m", "assay", "resume", run_id, "--store", str(crash_store),
         "--quiet"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert resumed.returncode in (0, 1), resumed.stderr
    _, a, sa = _found(tmp_path / "clean.db")
    _, b, sb = _found(crash_store)
    assert len(a) > 0 and a == b
    timed = ("errors per second", SEARCH_RATE, SEARCH_SHARE, WALL_SHARE, "wall-clock seconds")
    ma, mb = dict(sa["metrics"]), dict(sb["metrics"])  # type: ignore[call-overload]
    assert {k: v for k, v in ma.items() if k not in timed} == {
        k: v for k, v in mb.items() if k not in timed
    }
    # (left28b: the resumed session's loading asks its classifiers nothing again, their
    # answers to its probe kept with the run; left25's took 2 from the re-check's reserve)
    assert "loading_resumed" not in (sb.get("model_queries") or {})


def test_resume_refuses_a_changed_grammar_or_classifier(tmp_path: Path) -> None:
    """The run stores the sha256 of its grammar and classifier files; a resume after either
    changed is a usage error naming the file (the findings of two searches never mix)."""
    import shutil

    from assay.core.store import RunStore as Store
    from assay.text.builtin_grammars import builtin_grammar_path

    fakes = tmp_path / "fakes.py"
    shutil.copy(FAKES, fakes)
    grammar = tmp_path / "reviews.cfg"
    shutil.copy(builtin_grammar_path("reviews"), grammar)
    store = tmp_path / "runs.db"
    code, out = _invoke(
        "text", f"{fakes}:lexicon", f"{fakes}:negation_blind", "--grammar", str(grammar),
        "--max-queries", "200", "--seed", "4", "--store", str(store), "--quiet",
    )  # fmt: skip
    assert code in (0, 1), out
    s = Store(store)
    (run,) = s.list_runs()
    prints = run.config["fingerprints"]
    assert set(prints) == {"grammar", "classifier 1 (fakes.py:lexicon)",
                           "classifier 2 (fakes.py:negation_blind)"}  # fmt: skip
    s.checkpoint(run.id, status="running")  # as if it had been killed
    s.close()

    original = grammar.read_text()
    grammar.write_text(original + '\nbe -> "became"\n')
    code, out = _invoke("resume", run.id, "--store", str(store))
    assert code == 2, out
    assert "grammar" in out and str(grammar.resolve()) in " ".join(out.split())
    grammar.write_text(original)

    fakes.write_text(fakes.read_text() + "\n# changed\n")
    code, out = _invoke("resume", run.id, "--store", str(store))
    assert code == 2, out
    assert "classifier 1 (fakes.py:lexicon)" in " ".join(out.split())  # the first named
    shutil.copy(FAKES, fakes)

    code, out = _invoke("resume", run.id, "--store", str(store), "--quiet")
    assert code in (0, 1), out  # both back as they were: the resume goes ahead


def test_a_one_sentence_language_is_compared_by_differential_testing(tmp_path: Path) -> None:
    """Two classifiers asked about a grammar's only sentence were compared on it: agreeing,
    they pass (it read 'nothing was tested', exit 2); disagreeing, they fail."""
    grammar = tmp_path / "one.cfg"
    grammar.write_text('S -> "the food was not good"\n')
    for second, expected in ((f"{FAKES}:lexicon_again", 0), (BLIND, 1)):
        code, out = _invoke(
            "text", GOOD, second, "--grammar", str(grammar), "--max-queries", "50",
            "--seed", "1", "--store", str(tmp_path / "runs.db"),
        )  # fmt: skip
        assert code == expected, out
        assert "NOTHING WAS TESTED" not in out and "nothing was tested" not in out, out
