"""A run that fails after its search ended (a model that fails in a fairness run's answer, a
served text classifier that stops answering in its re-check) keeps its ended status and what
it lacks, the error said: ``assay.resume_run`` finishes it once the model answers, with the
figures of the run that never failed.  It was marked failed (``model_unavailable``), its
search state dropped, so that its resume searched again from nothing (resume30's Left)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from resume29b_files import write_people
from serving_servers import FaultServer

import assay
from assay.core.finishing import finishable, missing_parts
from assay.core.store import RunStore
from assay.errors import ModelError
from assay.models.http import ServingOptions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
import text_fakes

pytestmark = pytest.mark.slow

ENDED = ("completed", "budget_exhausted")


class FailFrom:
    """``on_progress`` that turns ``broken`` on as the phase ``phase`` starts after the
    search (the model fails from then on; the determinism checks are also made before)."""

    def __init__(self, phase: str) -> None:
        self.phase, self.searched, self.broken = phase, False, False

    def __call__(self, p: dict[str, Any]) -> None:
        if p.get("phase") == "search" or p.get("final"):  # (a text search says neither
            self.searched = True  # as it goes: its end, 'done')
        elif p.get("phase") == self.phase and self.searched:
            self.broken = True


def stored(store: Path, run_id: str) -> Any:
    with RunStore(store, read_only=True) as s:
        return s.get_run(run_id)


def biased(x: Any) -> Any:
    x = np.asarray(x, dtype=float)
    return (x[:, 0] + 30 * x[:, 2] > 60).astype(int)


def test_a_fairness_model_that_fails_in_the_answer_leaves_the_run_to_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_people(tmp_path)
    monkeypatch.chdir(tmp_path)
    at = FailFrom("answer")

    def failing(x: Any) -> Any:
        if at.broken:
            raise RuntimeError("the model's backend went away")
        return biased(x)

    options: dict[str, Any] = {"data": "people.csv", "protected": "sex", "seed": 1}
    options.update(max_queries=20000, estimate=True)
    with pytest.raises(ModelError, match="went away"):
        assay.check_fairness(model=failing, store=tmp_path / "s.db", on_progress=at, **options)
    with RunStore(tmp_path / "s.db", read_only=True) as s:
        (run,) = s.list_runs()
        record = s.get_run(run.id)
    assert record.status in ENDED, record.status  # (it was 'failed')
    assert (
        missing_parts(record) == ["answer", "determinism", "records"]
        and "went away" in record.error
    )
    progress = dict(record.progress)
    finished = assay.resume_run(record.id, store=tmp_path / "s.db", model=biased)
    clean = assay.check_fairness(model=biased, store=tmp_path / "c.db", **options)
    assert dict(stored(tmp_path / "s.db", record.id).progress)["queries"] == progress["queries"]
    assert finished.status == clean.status and finished.n_findings == clean.n_findings
    assert not finishable(stored(tmp_path / "s.db", record.id))
    for key in ("verdict", "direction", "model_queries"):
        assert finished.summary[key] == clean.summary[key], key
    assert finished.passed == clean.passed


def test_a_served_text_classifier_gone_while_finishing_leaves_the_run_to_finish(
    tmp_path: Path,
) -> None:
    """A text run stopped before its re-check (``stop=``), finished while its served
    classifier is down: under a time budget the finish makes its own determinism probe,
    which fails (exit 3 as ever), and the run stays ended and still to finish; once the
    classifier is back, its resume finishes it, searching nothing again."""
    lexicon = str(Path(text_fakes.__file__)) + ":lexicon"
    opts = ServingOptions(batch_size=64, timeout=0.5, retries=1, backoff=0.01)
    kw: dict[str, Any] = {"grammar": "builtin:reviews", "max_time": 3, "seed": 3}
    kw.update(names=["a", "b"], serving=opts)
    at = FailFrom("checks")
    stop = threading.Event()
    store = tmp_path / "s.db"
    with FaultServer(text_fakes.negation_blind) as server:

        def stop_at(p: dict[str, Any]) -> None:
            at(p)
            if at.broken:
                stop.set()

        stopped = assay.check_text(
            [lexicon, server.url], store=store, on_progress=stop_at, stop=stop, **kw
        )
        record = stored(store, stopped.run_id)
        assert record.status in ENDED and missing_parts(record) == ["determinism"]
        progress = dict(record.progress)
        server.down = True
        # (left44s: a served classifier's loading probe is asked again on resume, to tell a
        # redeploy: the endpoint down fails there, before the determinism probe)
        with pytest.raises(ModelError, match=r"unavailable|stopped answering"):
            assay.resume_run(record.id, store=store)
        failed = stored(store, record.id)
        assert failed.status == record.status, failed.status  # (it was 'model_unavailable')
        assert missing_parts(failed) == ["determinism"]
        assert "unavailable" in failed.error or "stopped answering" in failed.error
        server.down = False  # back: finished, its search not made again
        finished = assay.resume_run(record.id, store=store)
    assert finished.status == record.status and finished.n_findings == record.n_findings
    assert "skipped" not in finished.summary["determinism"], finished.summary["determinism"]
    after = stored(store, record.id)
    assert not finishable(after) and dict(after.progress)["queries"] == progress["queries"]


FAILS = """
import importlib, sys
from assay.errors import ModelError
module, name = sys.argv[1].rsplit(":", 1)
def fails(*a, **k):
    raise ModelError("the endpoint went away")
setattr(importlib.import_module(module), name, fails)
from assay.cli.app import main
main(sys.argv[2:])
"""


def test_the_command_line_says_how_to_finish_a_run_that_failed_after_its_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """exit 3 (the model failed), and the line that finishes the run, no new search; that
    line finishes it as the run that never failed ends."""
    from test_resume30_finish import FAIRNESS, MODEL, exit_of, the_run

    (tmp_path / "m.py").write_text(MODEL)
    write_people(tmp_path)
    monkeypatch.chdir(tmp_path)
    where = "assay.fairness.answer:compute_answer"
    failed = subprocess.run(
        [sys.executable, "-c", FAILS, where, *FAIRNESS, "--store", "s.db"],
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert failed.returncode == 3, failed.stderr
    record, _ = the_run(tmp_path / "s.db")
    said = " ".join((failed.stdout + failed.stderr).split())  # (stdout since cli36)
    assert f"finish it (no new search) with: assay resume {record.id}" in said, said
    assert record.status in ENDED and missing_parts(record) == ["answer", "determinism", "records"]
    code = exit_of(["resume", record.id, "--store", "s.db", "--quiet"])
    assert code == exit_of([*FAIRNESS, "--quiet", "--store", "c.db"]) == 1
    finished, _ = the_run(tmp_path / "s.db")
    clean, _ = the_run(tmp_path / "c.db")
    assert finished.summary["verdict"] == clean.summary["verdict"]
    assert not finishable(finished)
