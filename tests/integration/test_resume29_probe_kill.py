"""kill -9 in a run's first moments, while its determinism check runs (before the check is
kept with the run): the resume checks, reports and counts as the run not killed does.

A backdoor resume once scanned without the check (its queries on top of the scan's budget:
20,000 where the run not killed had 19,984) and reported none; a text resume said "skipped:
the run was resumed: its first session made it" (it never had) and counted none of its
queries (2,936 of 3,000 asked in all, against 3,000)."""

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

# the check kills its own process (SIGKILL: no handler, no cleanup)
KILLED = """
import importlib, os, signal, sys
module, name = sys.argv[1].rsplit(":", 1)
setattr(importlib.import_module(module), name, lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
from assay.cli.app import main
main(sys.argv[2:])
"""

BACKDOOR = ["backdoor", "builtin:trojan", "--max-queries", "20000", "--seed", "1"]
TEXT = ["text", "builtin:tfidf", "builtin:tfidf-nonegation", "--grammar", "builtin:reviews"]
TEXT += ["--max-queries", "2000", "--seed", "2"]


def _run(store: Path) -> tuple[RunRecord, int]:
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        return s.get_run(run.id), s.count_findings(run.id)


def _clean_and_resumed(
    tmp_path: Path, args: list[str], check: str
) -> tuple[RunRecord, int, RunRecord, int]:
    """The run not killed, and the same run killed inside ``check`` then resumed."""
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    with pytest.raises(SystemExit):
        main([*args, "--quiet", "--store", str(clean)])
    done = subprocess.run(
        [sys.executable, "-c", KILLED, check, *args, "--quiet", "--store", str(killed)],
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
    return (*_run(clean), *_run(killed))


def test_a_backdoor_run_killed_in_its_check_resumes_to_the_clean_scan(tmp_path: Path) -> None:
    expected, n_expected, got, n_got = _clean_and_resumed(
        tmp_path, BACKDOOR, "assay.backdoor.api:check_steadiness"
    )
    assert n_got == n_expected > 0
    for part in ("determinism", "verdicts"):
        assert got.summary.get(part) == expected.summary.get(part)
    assert got.summary["determinism"]["queries"] > 0
    assert got.progress["max_queries"] == expected.progress["max_queries"] < 20_000
    assert got.progress["queries"] == expected.progress["queries"]


def test_a_text_run_killed_in_its_probe_resumes_to_the_clean_run(tmp_path: Path) -> None:
    expected, n_expected, got, n_got = _clean_and_resumed(
        tmp_path, TEXT, "assay.text.recheck:probe"
    )
    assert n_got == n_expected > 0
    assert got.summary["determinism"] == expected.summary["determinism"]
    assert got.summary["determinism"]["probe"]["queries"] > 0
    assert got.summary["model_queries"] == expected.summary["model_queries"]
