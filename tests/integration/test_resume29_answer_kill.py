"""kill -9 while a fairness run computes its answer (after its search ended, so the run is
stored as ended): the run must not read as a pass.

It once did: the search's end had stored the run as completed, the answer (the share per
protected attribute, its verdict) was never added, and nothing said so; a run whose search
found nothing then read "tested, nothing found" (exit 0) in ``assay report``, though no share
was measured.  A Ctrl-C at the same point already said so (``core.interrupted``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import assay
from assay.cli.app import main
from assay.core.interrupted import ANSWER_MISSING
from assay.core.outcome import not_a_pass
from assay.core.store import RunStore

pytestmark = pytest.mark.slow

MODEL = '''
import numpy as np


def fair(x):
    """Never looks at sex: the search finds nothing."""
    x = np.asarray(x, dtype=float)
    return (x[:, 0] > 50).astype(int)
'''

# the run kills its own process (SIGKILL: no handler, no cleanup) at a point after its search
# ended: computing its answer, or at once (the first step after the search's last checkpoint,
# which stored the run as ended)
KILLED = """
import os, signal, sys
import assay.fairness.answer as answer
import assay.fairness.check as check
kill = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
if sys.argv[1] == "answer":
    answer.compute_answer = kill
else:
    check._check_still_served = kill
from assay.cli.app import main
main(sys.argv[2:])
"""


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "fair_model.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.integers(0, 100, (200, 2)), rng.integers(0, 2, 200)])
    rows[:2, :2] = [[0, 0], [99, 99]]
    (tmp_path / "people.csv").write_text(
        "x,z,sex\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n"
    )
    return tmp_path


def _args(store: Path) -> list[str]:
    return [
        "fairness",
        "fair_model.py:fair",
        "--data",
        "people.csv",
        "--protected",
        "sex",
        "--max-queries",
        "3000",
        "--seed",
        "1",
        "--store",
        str(store),
        "--quiet",
    ]


def _report_exit(store: Path, run_id: str, junit: Path) -> int:
    with pytest.raises(SystemExit) as ended:
        main(["report", run_id, "--store", str(store), "--junit", str(junit)])
    return int(ended.value.code or 0)


@pytest.mark.parametrize("where", ["answer", "search ended"])
def test_kill_after_the_search_leaves_a_run_that_is_not_a_pass(
    files: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.chdir(files)
    store = files / "killed.db"
    done = subprocess.run(
        [sys.executable, "-c", KILLED, where, *_args(store)],
        # the assay under test, wherever the test runs from
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        record = s.get_run(run.id)
    assert record.status == "completed"  # the search had ended
    assert record.n_findings == 0
    assert "verdict" not in record.summary  # no answer was added
    assert record.summary.get("incomplete_reason") == ANSWER_MISSING
    assert not_a_pass(record.summary) == ("not everything was tested", ANSWER_MISSING)
    assert _report_exit(store, run.id, files / "killed.xml") == 2
    # the same run not killed: its answer takes the mark away, and it passes
    clean = files / "clean.db"
    with pytest.raises(SystemExit) as ended:
        main(_args(clean))
    assert ended.value.code == 0
    with RunStore(clean, read_only=True) as s:
        (run,) = s.list_runs()
        record = s.get_run(run.id)
    assert "verdict" in record.summary
    assert "incomplete_reason" not in record.summary
    assert _report_exit(clean, run.id, files / "clean.xml") == 0


def test_a_stopped_run_does_not_say_its_answer_is_missing_and_resumes_clean(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search's last summary says the answer is missing only where the answer follows:
    a run stopped in its search (resumable) gets its answer from the resume."""
    import threading

    from assay import check_fairness, resume_run

    monkeypatch.chdir(files)
    store = files / "stopped.db"
    stop = threading.Event()
    stop.set()
    first = check_fairness(
        "fair_model.py:fair",
        data="people.csv",
        protected="sex",
        max_queries=3000,
        seed=1,
        store=store,
        stop=stop,
    )
    assert first.status == "interrupted"
    with RunStore(store, read_only=True) as s:
        assert "incomplete_reason" not in s.get_run(first.run_id).summary
    ended = resume_run(first.run_id, store=store)
    assert ended.status == "completed"
    assert "verdict" in ended.summary
    assert "incomplete_reason" not in ended.summary


BIASED = '''
import numpy as np


def biased(x):
    """Favours sex == 1 for mid-range x."""
    x = np.asarray(x, dtype=float)
    return ((x[:, 0] > 70) | ((x[:, 2] == 1) & (x[:, 0] > 40) & (x[:, 1] < 50))).astype(int)
'''


def test_a_resumed_estimate_run_answers_as_the_run_not_resumed(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --estimate the answer reuses the estimate's first inputs; a resumed run once
    kept none (only the first session set them aside), so its answer drew them all afresh:
    other shares, directions and regions than the same run not resumed (found by the resume
    sweep: 64,063 answer queries against 81,543, 897 IDIs of a direction against 886)."""
    import threading

    from assay import check_fairness, resume_run

    monkeypatch.chdir(files)
    (files / "biased_model.py").write_text(BIASED)
    args: dict[str, object] = {
        "data": "people.csv",
        "protected": "sex",
        "max_queries": 20_000,
        "seed": 4,
        "estimate": True,
    }
    clean = check_fairness("biased_model.py:biased", store=files / "clean.db", **args)
    stop = threading.Event()
    stop.set()  # stopped at the search's first step, long before its estimate
    first = check_fairness("biased_model.py:biased", store=files / "resumed.db", stop=stop, **args)
    assert first.status == "interrupted"
    resumed = resume_run(first.run_id, store=files / "resumed.db")
    assert resumed.n_findings == clean.n_findings > 0
    reused = clean.summary["analysis"]["reused_from_estimate"]
    assert reused > 0
    untimed = {k: v for k, v in clean.summary["analysis"].items() if k != "seconds"}
    assert {k: resumed.summary["analysis"][k] for k in untimed} == untimed
    assert resumed.summary["verdict"] == clean.summary["verdict"]
    assert resumed.summary["direction"] == clean.summary["direction"]
