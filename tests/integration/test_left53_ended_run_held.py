"""left53 (beat52b's Left 2): an ended run stays claimed by the call or command that ran it
until that call lets go of it (its reports are written from the stored run after its last
part).  Kept: a delete from another process meanwhile would delete the run under the
reports being written (ops47's race).  But ``resume_run`` of that ended run from another
process claimed it first and was refused "is being run by process N; one at a time: wait
for it to end" where ``assay resume`` (which reads first) says "already ended (completed);
nothing to resume": now ``resume_run`` says the same without taking the run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.errors import UsageError

HOLD = """
import sys
from assay.core.store import RunStore

s = RunStore(sys.argv[1])
s.create_run(run_id="fairness-1", technique="fairness", seed=0, command="c", config={},
             model={}, versions={})
s.checkpoint("fairness-1", status="completed", summary={"n_findings": 0})
s.claim("fairness-1")  # (held as the call that ended it holds it while it writes reports)
print("held", flush=True)
sys.stdin.readline()
s.close()
"""


def test_resume_run_of_an_ended_run_another_process_holds_says_nothing_to_resume(
    tmp_path: Path,
) -> None:
    path = tmp_path / "runs.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(UsageError) as refused:
            assay.resume_run("fairness-1", store=path)
        # (main: "run fairness-1 is being run by process N on host ...; one at a time")
        assert "already ended (completed); nothing to resume" in str(refused.value)
        assert "being run" not in str(refused.value)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(60)
        if holder.stdout is not None:
            holder.stdout.close()
    # not held by this process either: the holder's let-go left it no one's
    from assay.core.runlock import held_runs

    assert held_runs(path) == []
