"""kill -9 after a run's search ended, before its determinism section was added (a fairness
run's confirmation of its stored IDIs, after its answer; a text run's re-check of its minimal
failing sentences; a backdoor scan's determinism check put in its summary): the run must say
what is missing, never read as finished.

It once did: the search's last checkpoint stored the run as ended, the section was never
added and nothing said so (the resume sweep, ``tx-walk-inv``, ``bd-*``: "after the search
ended"); a fairness run that found nothing read "tested, nothing found" (exit 0)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from resume29b_files import KILLED, write_people, write_tree

import assay
from assay.cli.app import main
from assay.core.outcome import not_a_pass
from assay.core.store import RunRecord, RunStore
from assay.core.unfinished import KEY, reason

pytestmark = pytest.mark.slow

MODEL = '''
import numpy as np


def fair(x):
    """Never looks at sex: the search finds nothing."""
    x = np.asarray(x, dtype=float)
    return (x[:, 0] > 50).astype(int)
'''

FAIRNESS = ["fairness", "fair_model.py:fair", "--data", "people.csv", "--protected", "sex"]
FAIRNESS += ["--max-queries", "3000", "--seed", "1"]
BACKDOOR = ["backdoor", "builtin:trojan", "--max-queries", "20000", "--seed", "1"]
TEXT = ["text", "builtin:tfidf", "builtin:tfidf-nonegation", "--grammar", "builtin:reviews"]
TEXT += ["--max-queries", "2000", "--seed", "2"]
RETRAIN = ["fairness", "m.skops", "--data", "d.csv", "--label", "y", "--protected", "sex"]
RETRAIN += ["--retrain", "--max-queries", "2000", "--seed", "1"]


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "fair_model.py").write_text(MODEL)
    write_people(tmp_path)
    write_tree(tmp_path)  # (--retrain's model and data)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(store: Path) -> tuple[RunRecord, int]:
    with RunStore(store, read_only=True) as s:
        (run,) = s.list_runs()
        return s.get_run(run.id), s.count_findings(run.id)


def _report_exit(store: Path, run_id: str) -> int:
    with pytest.raises(SystemExit) as ended:
        main(["report", run_id, "--store", str(store), "--junit", str(store) + ".xml"])
    return int(ended.value.code or 0)


DETERMINISM = ["determinism"]
CASES = {
    # (and its closing records after the section: the queries by phase, ...; finish31)
    "fairness": (FAIRNESS, "assay.fairness.phases:confirm_findings", [*DETERMINISM, "records"]),
    "fairness retrain": (RETRAIN, "assay.fairness.retrain:retrain_model", ["retrain"]),
    "text": (TEXT, "assay.text.recheck:recheck", [*DETERMINISM, "records"]),
    "text units": (
        [*TEXT, "--units", "2"],
        "assay.text.recheck:recheck",
        [*DETERMINISM, "records"],
    ),
    "backdoor": (BACKDOOR, "assay.backdoor.api:record_steadiness", DETERMINISM),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_run_killed_before_its_determinism_section_says_it_is_missing(
    files: Path, case: str
) -> None:
    args, where, missing = CASES[case]
    killed, clean = files / "killed.db", files / "clean.db"
    done = subprocess.run(
        [sys.executable, "-c", KILLED, where, *args, "--quiet", "--store", str(killed)],
        # the assay under test, wherever the test runs from
        env={**os.environ, "PYTHONPATH": str(Path(assay.__file__).parents[1])},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr
    record, n_found = _run(killed)
    assert record.status in ("completed", "budget_exhausted")  # the search had ended
    assert ("determinism" in record.summary) == ("determinism" not in missing)
    assert record.summary[KEY] == missing
    assert record.summary["incomplete_reason"] == reason(missing)
    assert not_a_pass(record.summary) == ("not everything was tested", reason(missing))
    if case == "fairness":  # its answer was added: the section alone is missing
        assert "verdict" in record.summary and n_found == 0
        assert _report_exit(killed, record.id) == 2
    # (its resume finishes it: tests/integration/test_resume30_finish.py)
    # the same run not killed: the section takes the mark away
    with pytest.raises(SystemExit):
        main([*args, "--quiet", "--store", str(clean)])
    expected, n_expected = _run(clean)
    assert n_found == n_expected
    assert "determinism" in expected.summary
    assert ("mitigation" in expected.summary) == (case == "fairness retrain")
    assert KEY not in expected.summary and "incomplete_reason" not in expected.summary
    if case == "fairness":
        assert _report_exit(clean, expected.id) == 0
