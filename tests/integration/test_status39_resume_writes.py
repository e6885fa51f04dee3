"""A refused ``assay resume`` given ``--export`` writes nothing to the run, and the
``--export`` way out of a run whose export folder is gone still works (status39, status38b's
Left 1 and 2).

On main a resume of a fairness run whose ``--export`` a kill left unwritten, given
``--export OTHER``, wrote OTHER into the run (its config and its summary's part still to
come) before its checks; refused after that (a changed model file, exit 2), the run kept
OTHER as the file its finish writes.  Now OTHER is written into the run once the resume
began.  And an interrupt once the resume's checks passed but before it marked the run its
own (main: the run's call timeout and exit code already rewritten) finds the run marked
the resume's: it is finished as an interrupted resume, never said to be "as it was"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_left33_export_resume import killed_with_its_folder_gone
from test_resume30_finish import exit_of, files, the_run

from assay.core.finishing import missing_parts

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)


def _rows(store: Path) -> dict[str, list[str]]:
    """Every row of every table of the store (status38b's unit test compares its bytes)."""
    import sqlite3

    con = sqlite3.connect(store)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}"))) for t in tables}
    finally:
        con.close()


def test_a_refused_resume_given_export_writes_nothing_and_the_way_out_works(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    killed, record = killed_with_its_folder_gone(files)
    stored = record.config.get("export_file")
    model = (files / "m.py").read_text()
    (files / "m.py").write_text(model + "# changed\n")
    before = _rows(killed)
    resume = ["resume", record.id, "--store", str(killed), "--export", "k2.csv", "--quiet"]
    assert exit_of(resume) == 2
    assert "changed since" in capsys.readouterr().err
    assert _rows(killed) == before  # main: its config names k2.csv
    after, _ = the_run(killed)
    assert missing_parts(after) == ["export"] and after.config.get("export_file") == stored
    # the model put back: --export, the way out the refusal of the gone folder prints
    (files / "m.py").write_text(model)
    assert exit_of(resume) == 1
    assert (files / "k2.csv").read_text().startswith("idi,variant,")
    assert missing_parts(the_run(killed)[0]) == []


def test_an_interrupt_once_the_resume_is_checked_finishes_it_as_resumed(
    files: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C just after the resume's first write once checked (its --call-timeout kept):
    main said "interrupted before the run was resumed: it is as it was" of a run it had
    written to.  Its resume line names the --export file the resume was given (main: the
    gone folder's, refused as printed)."""
    from assay.core.store import RunStore
    from assay.report import build_document

    killed, record = killed_with_its_folder_gone(files)
    kept = RunStore.set_budget

    def interrupted(self: RunStore, *args: Any, **kwargs: Any) -> Any:
        kept(self, *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(RunStore, "set_budget", interrupted)
    resume = ["resume", record.id, "--store", str(killed), "--export", "k2.csv"]
    exit_of([*resume, "--call-timeout", "30"])
    said = " ".join(capsys.readouterr().err.split())
    assert "it is as it was" not in said, said
    assert f"--export {files / 'k2.csv'}" in said and "out/k.csv" not in said, said
    with RunStore(killed, read_only=True) as store:
        doc = build_document(store, record.id)
    # the resume's own code (the verdict's, as a run that had ended keeps when interrupted)
    assert doc["command_exit"].startswith("assay resume exited"), doc["command_exit"]
