"""The API's ``max_time=`` bounds loading as ``--max-time`` does on the command line: a model
file that sleeps 60 s as it is imported, under ``max_time=4``: before, ``check_fairness``
returned after the import a stored run that had tested nothing (8.7 s for an 8 s import,
``budget_exhausted``, 0 queries); now a ``UsageError`` naming ``max_time`` at the deadline,
no run stored.  Each case runs in a process of its own (the alarm is its main thread's)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_left28b_loading_time import SLOW_IMPORT, SRC, _args  # isort: skip

CALL = """
import json, sys, time
import assay
technique, args = sys.argv[1], sys.argv[2:]
def value(flag):
    return args[args.index(flag) + 1]
began = time.monotonic()
try:
    if technique == "fairness":
        assay.check_fairness(args[0], data=value("--data"), label="y", protected="s",
                             max_time=4, store=value("--store"))
    elif technique == "text":
        assay.check_text([args[0], args[1]], grammar=value("--grammar"), max_time=4,
                         store=value("--store"))
    else:
        assay.check_backdoor(args[0], images=value("--images"), clean=value("--clean"),
                             input_shape="8,8", classes=2, max_time=4, store=value("--store"))
    said = {"raised": None}
except assay.UsageError as exc:
    said = {"raised": str(exc), "argument": exc.argument}
said["seconds"] = time.monotonic() - began
print(json.dumps(said))
"""


@pytest.mark.parametrize("technique", ["fairness", "text", "backdoor"])
def test_an_api_call_stops_loading_at_max_time(tmp_path: Path, technique: str) -> None:
    args = _args(tmp_path, technique)[1:]  # (the command's words, the technique's name aside)
    began = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", CALL, technique, *args],
        cwd=tmp_path,
        env={"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=SLOW_IMPORT + 60,
    )
    took = time.monotonic() - began
    assert proc.returncode == 0, proc.stderr
    said = json.loads(proc.stdout.strip().splitlines()[-1])
    assert said["raised"] is not None, said
    assert said["argument"] == "max_time" and "nothing was tested" in said["raised"]
    assert 4.0 <= said["seconds"] < SLOW_IMPORT / 2, said
    assert took < SLOW_IMPORT / 2
    assert not (tmp_path / "runs.db").exists()
