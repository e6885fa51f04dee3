"""A store lost to a SIGBUS (``core.store_bus``, exit 4) while or after the command wrote its
reports (left49r's Left, item 2): a report already whole at its path was named "not written"
(a CI job reading the line believed a file that is there, and was told to write it again),
and a report being written was left as a hidden cut file beside its path.  The handler's
words (``cli.store_lost``: what it says, ``store_bus.then``'s ``leave``) are asked here as
the handler asks them; the real fault is ``test_left49r_bus_junit``'s."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.cli import leftover
from assay.cli.store_lost import left_behind
from assay.core import store_bus
from assay.core.outfile import new_file, write_whole

LOST = "the run store's index can no longer be written (chattr -i it)"


@pytest.fixture
def run_made(tmp_path: Path) -> Iterator[str]:
    leftover.forget("fairness")
    leftover.started("fairness-1", tmp_path / "s.db")
    yield "fairness-1"
    leftover.forget()


def test_a_report_written_whole_before_the_fault_is_named_written(
    tmp_path: Path, run_made: str
) -> None:
    report, html, junit = tmp_path / "r.json", tmp_path / "r.html", tmp_path / "r.xml"
    options = {"report": report, "html": html, "junit": junit}
    with left_behind("fairness", options):
        write_whole(report, '{"whole": true}\n')  # (written before the fault)
        with pytest.raises(FileNotFoundError), new_file(html) as fh:  # (the fault comes mid-write)
            fh.write("<html><body>cut ")
            said = store_bus._THEN[-1](LOST)  # (what the handler says before its exit 4)
    assert report.read_text() == '{"whole": true}\n'  # (kept, as written)
    assert not html.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.xml"]  # (no cut file)
    assert f"wrote {report} (before the store failed" in said, said
    assert f"not written: --html {html} (the store cannot be read" in said, said
    assert "--report" not in said.split("write them:")[0].split("not written:")[1], said
    assert said.endswith(f"--html {html}"), said  # (the line that writes it later: that one)
    assert f"wrote {junit} (one error naming why)" in said


def test_reports_not_begun_are_named_not_written(tmp_path: Path, run_made: str) -> None:
    report, html = tmp_path / "r.json", tmp_path / "r.html"
    with left_behind("fairness", {"report": report, "html": html}):
        said = store_bus._THEN[-1](LOST)
    assert f"not written: --report {report}, --html {html}" in said, said
    assert "wrote" not in said and not report.exists() and not html.exists()
