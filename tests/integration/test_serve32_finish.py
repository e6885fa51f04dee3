"""serve32: finishing (``assay resume`` of a run killed after its search), finish31's Left:

- a fairness run's ``--export`` file lost to a kill while it was written: the run read as
  completed, ``assay resume`` refused it ("already ended"), and only the whole command run
  again wrote the file.  The file is now a part still to come until written
  (``core.unfinished``), and the resume writes it, the same rows as the run not killed's;
- ``sessions`` (how many sessions a run took) was a fairness key only: a text or backdoor
  run finished after a kill now says it too;
- a finish that failed (its model raising, a ``--call-timeout``) left no error with the
  run: ``assay show`` showed it still to finish without why the last try failed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_resume30_finish import (
    FAIR,
    FAIRNESS,
    exit_of,
    files,
    killed_at,
    the_run,
)

import assay
from assay.core.finishing import finishable, missing_parts
from assay.errors import ModelError

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)


def test_a_fairness_export_killed_while_written_is_written_by_the_resume(files: Path) -> None:
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at("assay.cli.fairness_cmd:_exported", [*FAIRNESS, "--export", "k.csv"], killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert not (files / "k.csv").exists()
    assert missing_parts(record) == ["export"], record.summary.get("unfinished")
    report = ["report", record.id, "--store", str(killed), "--report", "r.json", "--quiet"]
    assert exit_of(report) == 1  # (IDIs found), and the report says the file is missing
    assert (
        "--export file"
        in json.loads((files / "r.json").read_text())["run"]["summary"]["incomplete_reason"]
    )
    assert exit_of(["resume", record.id, "--store", str(killed), "--quiet"]) == 1
    assert exit_of([*FAIRNESS, "--export", "c.csv", "--store", str(clean), "--quiet"]) == 1
    assert (files / "k.csv").read_text() == (files / "c.csv").read_text()
    finished, _ = the_run(killed)
    assert not finishable(finished) and "unfinished" not in finished.summary
    assert exit_of(report) == 1
    assert "incomplete_reason" not in json.loads((files / "r.json").read_text())["run"]["summary"]


def _raising(x: object) -> object:
    raise RuntimeError("the model's server is down")


def test_a_finish_that_failed_says_why_in_the_store(files: Path) -> None:
    killed = files / "killed.db"
    done = killed_at("assay.fairness.phases:confirm_findings", FAIR, killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert finishable(record) and not record.error
    _raising.classes_ = [0, 1]  # type: ignore[attr-defined]
    with pytest.raises(ModelError):
        assay.resume_run(record.id, store=killed, model=_raising, force=True)
    after, _ = the_run(killed)
    assert after.status == record.status and finishable(after)  # still to finish
    assert after.error and "server is down" in after.error, after.error
    shown = exit_of(["show", record.id, "--store", str(killed)])
    assert shown == 0
    # finished once the model answers: the failed try's error, stale, is taken away
    assay.resume_run(record.id, store=killed)
    done, _ = the_run(killed)
    assert not finishable(done) and done.error is None, done.error


# (a text or backdoor run finished says its sessions: test_left33_sessions_clock.py)
