"""A resume given ``--batch-size N`` whose model fails again on calls of N is told so, and its
printed resume line halves N (left50b; left50's Left 2): the model's error gave no size hint
once a limit was set, so the line carried no smaller ``--batch-size`` and failed the same way
as printed; at 1 the error says no smaller size helps, and the line carries none."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from test_left50_verify_batch_size import _fairness


def _continued(out: str) -> str:
    line = re.search(r"continue with: (.+)$", out, re.MULTILINE)
    assert line is not None, out
    return line[1]


def _size(printed: str) -> int | None:
    words = shlex.split(printed)
    return int(words[words.index("--batch-size") + 1]) if "--batch-size" in words else None


def _again(printed: str, where: Path, cap: int) -> tuple[int, str]:
    words = shlex.split(printed)  # (as printed; the assay under test, as the run was made)
    words = words[words.index("assay") + 1 :]
    done = subprocess.run(
        [sys.executable, "-m", "assay", *words], capture_output=True, text=True, cwd=where,
        timeout=600,
        env={**os.environ, "CAP": str(cap)},
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def test_a_resume_failing_again_at_its_batch_size_is_given_half(tmp_path: Path) -> None:
    rc, out = _fairness(tmp_path, "s.db")  # (calls over 30 fail: the line gives 16)
    printed = _continued(out)
    assert rc == 3 and _size(printed) == 16, out
    rc, out = _again(printed, tmp_path, cap=10)  # (the model now takes 10 at most)
    assert rc == 3, out
    assert "this run's calls were of 16 inputs at most already" in out, out
    printed = _continued(out)
    assert _size(printed) == 8, out  # (main: no --batch-size; as printed it failed again)
    rc, out = _again(printed, tmp_path, cap=10)
    assert rc == 1 and ": completed" in out, out


def test_at_a_batch_size_of_one_it_says_no_smaller_size_helps(tmp_path: Path) -> None:
    rc, out = _fairness(tmp_path, "s.db")
    printed = _continued(out)
    printed = printed.replace("--batch-size 16", "--batch-size 1")
    rc, out = _again(printed, tmp_path, cap=0)  # (it fails on every call of its own)
    assert rc == 3, out
    assert "failed on calls of one input each (a batch size of 1): no smaller batch" in out, out
    assert _size(_continued(out)) is None, out  # (no --batch-size 0, nor the same 1 again)
