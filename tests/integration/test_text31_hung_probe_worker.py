"""A classifier that hung in the determinism probe before the search, in the forked worker
process: the probe gave up on the call, but the worker was still inside it, so the search's
first call waited behind it and the run failed there ("classifier stuck: ... did not answer"),
with no determinism section saying the check at the start was skipped, nor why.  The search
now gets a worker of its own: the run goes on, and its report says which classifier hung in
the check at the start.  (Run in a fresh interpreter: a process with other threads running,
as a test suite's may be, gets no forked worker.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import json, os, sys, time
from pathlib import Path
from assay.core.store import RunStore
from assay.text.api import check_text
from assay.text.pipeline import worker_mode

GRAMMAR = 'S -> "the" N "is" A\\nN -> "food" | "tea" | "soup" | "cake"\\nA -> "good" | "bad"\\n'
FLAG = sys.argv[1] + "/hang"  # its existence makes ``stuck`` hang once (seen by the worker)

def quick(batch):
    return ["pos" if "good" in s else "neg" for s in batch]

def stuck(batch):
    if os.path.exists(FLAG):
        os.remove(FLAG)  # (once: the calls after the probe's are answered)
        time.sleep(30)  # (the worker is killed long before)
    return ["pos" if "good" in s and "tea" not in s else "neg" for s in batch]

quick.classes_ = stuck.classes_ = ["neg", "pos"]
mode = worker_mode()[0]
store = RunStore(sys.argv[1] + "/runs.db")
result = check_text(
    [quick, stuck], grammar=GRAMMAR, max_queries=300, seed=1, call_timeout=1.5, store=store,
    on_start=lambda *_: Path(FLAG).touch(),  # the run exists: its next call is the probe's
)
record = store.get_run(result.run_id)
text = " ".join(s["text"] for s in record.summary["sections"] if s["title"] == "Determinism")
print(json.dumps({
    "mode": mode, "status": record.status, "error": record.error,
    "probe": record.summary["determinism"]["probe"], "section": text,
    "findings": result.n_findings,
}))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no forked worker without fork")
def test_a_classifier_hung_in_the_probe_of_a_worker_is_named_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    (tmp_path / "run.py").write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "ASSAY_TEXT_WORKER": "process"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(tmp_path / "run.py"), str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert time.monotonic() - started < 60  # (the hung call was not waited for)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    if got["mode"] != "process":
        pytest.skip(f"no forked worker here ({got['mode']})")
    assert got["status"] == "completed", got["error"]
    assert "classifier stuck: " in got["probe"]["skipped"], got
    assert "did not answer within 1.5 s" in got["probe"]["skipped"], got
    assert "The check at the start could not be made: classifier stuck: " in got["section"], got
    assert got["findings"] >= 1  # (the search ran: stuck is blind to "tea")
