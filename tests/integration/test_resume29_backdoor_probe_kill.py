"""kill -9 in a backdoor run's first moments, while its determinism check runs (before the
check is kept): the resume scans as the run not killed does.

It once scanned without the check: with the check's queries on top of the scan's budget
(20,000 where the run not killed had 19,984) and no determinism section in its report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import assay
from assay.cli.app import main
from assay.core.store import RunRecord, RunStore

pytestmark = pytest.mark.slow

# the determinism check kills its own process (SIGKILL: no handler, no cleanup)
KILLED = """
import os, signal, sys
import assay.backdoor.api as api
api.check_steadiness = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
from assay.cli.app import main
main(sys.argv[1:])
"""

ARGS = ["backdoor", "builtin:trojan", "--max-queries", "20000", "--seed", "1", "--quiet"]


def _run(store: Path) -> tuple[RunRecord, int]:
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        record = s.get_run(run.id)
        return record, s.count_findings(run.id)


def test_a_run_killed_in_its_determinism_check_resumes_to_the_clean_scan(
    tmp_path: Path,
) -> None:
    clean = tmp_path / "clean.db"
    with pytest.raises(SystemExit):
        main([*ARGS, "--store", str(clean)])
    killed = tmp_path / "killed.db"
    done = subprocess.run(
        [sys.executable, "-c", KILLED, *ARGS, "--store", str(killed)],
        # the assay under test, wherever the test runs from
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr
    record, _ = _run(killed)
    assert record.status == "running"
    assert "determinism_probe" not in record.config["budget"]
    with pytest.raises(SystemExit):
        main(["resume", record.id, "--store", str(killed), "--quiet"])
    expected, n_expected = _run(clean)
    got, n_got = _run(killed)
    assert n_got == n_expected > 0
    for part in ("determinism", "verdicts"):
        assert got.summary.get(part) == expected.summary.get(part)
    assert got.summary["determinism"]["queries"] > 0
    assert got.progress["max_queries"] == expected.progress["max_queries"] < 20_000
    assert got.progress["queries"] == expected.progress["queries"]
