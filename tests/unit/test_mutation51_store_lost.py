"""mutation51: a store lost to a SIGBUS after the command wrote its reports (the store
failing as it closed) names the ``--junit`` file written too when the error's JUnit file
could not be written over it (a full disk: the commonest cause of a SIGBUS on a mapped
file is the disk's too).  It said "not written: --junit j.xml ... write them: assay report
... --junit j.xml" beside the whole JUnit report the command had written there (an earlier
one is removed as the command starts: ``core.writable``).  mutation50b's D4 (every report
asked, ``--junit`` among them, taken as written whole) left: this is that change."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest
from test_mutation50b_store_lost import LOST, run_made  # noqa: F401  (the fixture: a run made)

from assay.cli import leftover
from assay.cli.store_lost import left_behind
from assay.core import store_bus

JUNIT = '<?xml version="1.0"?>\n<testsuites name="assay" tests="3"></testsuites>\n'


def _full(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_junit_report_written_whole_is_named_when_the_errors_cannot_be(
    tmp_path: Path,
    run_made: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    report.write_text("{}\n")
    junit.write_text(JUNIT)  # (the command's own, written at its end)
    monkeypatch.setattr(leftover, "write_whole", _full)
    with left_behind("fairness", {"report": report, "junit": junit}):
        said = store_bus._THEN[-1](LOST)
    assert f"wrote {report}, {junit} (before the store failed" in said, said
    assert "not written" not in said and "--junit" not in said, said
    assert junit.read_text() == JUNIT


def test_a_junit_file_the_error_was_written_to_is_named_so(
    tmp_path: Path,
    run_made: str,  # noqa: F811
) -> None:
    report, junit = tmp_path / "r.json", tmp_path / "j.xml"
    junit.write_text(JUNIT)
    with left_behind("fairness", {"report": report, "junit": junit}):
        said = store_bus._THEN[-1](LOST)
    assert f"not written: --report {report} (" in said, said
    assert f"wrote {junit} (one error naming why)" in said, said
    assert "store_error" in junit.read_text()


def test_a_junit_file_not_there_is_named_not_written(
    tmp_path: Path,
    run_made: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    junit = tmp_path / "j.xml"
    monkeypatch.setattr(leftover, "write_whole", _full)
    with left_behind("fairness", {"junit": junit}):
        said = store_bus._THEN[-1](LOST)
    assert f"not written: --junit {junit} (" in said and "wrote" not in said, said
