"""A model that takes at most so many inputs a call, and the runs it fails: ``verify_run``
(and ``assay verify``) take ``batch_size`` (a verify failing on the size of its calls could
not be made with smaller ones, though its error said to), and ``assay fairness``'s printed
"continue with: assay resume RUN" after such a failure carries a ``--batch-size`` (it carried
none, and failed the same way when run as printed: left49h's Left 3 and 4)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from test_hostile49_model_error_run import frame  # (the same user frame)
from test_left49h_resume_batch_size import _CAP, Capped, _check

import assay
from assay.core.store import RunStore

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def test_verify_run_takes_a_batch_size_and_leaves_the_run_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run = _check(Capped(from_call=10**9), db)  # (a model answering any batch: the run)
    assert run.n_findings > 0
    with pytest.raises(assay.ModelError) as caught:
        assay.verify_run(run.run_id, store=db, model=Capped(from_call=1), data=frame())
    said = str(caught.value)
    assert caught.value.run_status == "verified"
    # the advice names the argument verify_run takes (no serving=, no --batch-size)
    assert "batch_size=N makes assay's calls no larger" in said, said
    assert "serving=" not in said and "--batch-size" not in said, said
    capped = Capped(from_call=1)
    verified = assay.verify_run(run.run_id, store=db, model=capped, data=frame(), batch_size=_CAP)
    assert max(capped.sizes) <= _CAP
    assert verified.total == run.n_findings and verified.still_failing == run.n_findings
    with RunStore(db) as store:  # (a verify reads the run: its own batch size is not kept)
        inv = store.get_run(run.run_id).config["invocation"]
    assert (inv.get("serving") or {}).get("batch_size") is None
    with pytest.raises(assay.UsageError, match="batch_size"):
        assay.verify_run(run.run_id, store=db, model=capped, data=frame(), batch_size=0)


CAPPED = """
import os

calls = [0]


def model(x):
    calls[0] += 1
    if calls[0] > 3 and len(x) > int(os.environ.get("CAP", "30")):
        raise RuntimeError(f"out of memory: a batch of {len(x)} inputs")
    women = x["Gender"].to_numpy() == "female"
    return (x["Income"].to_numpy(dtype=float) > 45 + 10 * women).astype(int)
"""


def _assay(where: Path, *args: str, cap: int = 30) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "assay", *args],
        capture_output=True,
        text=True,
        cwd=where,
        env={**os.environ, "CAP": str(cap)},
        timeout=600,
    )
    return done.returncode, done.stdout + done.stderr


def _fairness(where: Path, store: str, cap: int = 30) -> tuple[int, str]:
    (where / "capped.py").write_text(CAPPED)
    frame().to_csv(where / "people.csv", index=False)
    args = ("--data", "people.csv", "--protected", "Gender", "--max-queries", "2000")
    return _assay(where, "fairness", "capped.py:model", *args, "--store", store, cap=cap)


def test_the_printed_resume_line_carries_a_batch_size_and_works(tmp_path: Path) -> None:
    rc, out = _fairness(tmp_path, "s.db")
    assert rc == 3 and "--batch-size N makes assay's calls no larger" in out, out
    line = re.search(r"continue with: (.+)$", out, re.MULTILINE)
    assert line is not None, out
    printed = shlex.split(line[1])
    assert "--batch-size" in printed, line[1]  # (main: none, and it failed again as printed)
    assert int(printed[printed.index("--batch-size") + 1]) <= 30
    done = subprocess.run(printed, capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr  # (the bias is found)
    run_id = printed[printed.index("resume") + 1]
    assert f"run {run_id}: completed" in done.stdout


def test_assay_verify_takes_a_batch_size(tmp_path: Path) -> None:
    rc, out = _fairness(tmp_path, "v.db", cap=10**6)  # (a model answering any batch: the run)
    assert rc == 1, out
    run_id = re.findall(r"run (fairness-\S+):", out)[0]
    # the model now takes at most 30 inputs a call: refused as the error says, then made
    rc, out = _assay(tmp_path, "verify", run_id, "--store", "v.db")
    assert rc == 3 and "--batch-size N makes assay's calls no larger" in out, out
    rc, out = _assay(tmp_path, "verify", run_id, "--store", "v.db", "--batch-size", "30")
    assert rc == 1 and "still fail" in out, out
    rc, out = _assay(tmp_path, "verify", run_id, "--store", "v.db", "--batch-size", "0")
    assert rc == 2 and "--batch-size" in out, out
