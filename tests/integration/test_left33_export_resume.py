"""left33: ``assay resume`` of a fairness run whose ``--export`` file a kill cut short
(serve32's Left 3).

- ``assay resume RUN --export OTHER`` wrote both files: the stored one (the finish's) and
  OTHER (the command's).  OTHER now takes the stored file's place: written once, there.
- the stored file was first tried after the model had loaded and the run was finished: a
  folder gone or not writable since failed then.  It is checked before the model loads,
  the refusal saying how to write the file elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_resume30_finish import FAIRNESS, exit_of, files, killed_at, the_run

from assay.core.finishing import finishable, missing_parts
from assay.core.store import RunRecord

pytestmark = pytest.mark.slow

__all__ = ["files"]  # (the fixture, shared)


def test_a_resume_given_another_export_writes_that_file_alone(files: Path) -> None:
    killed, clean = files / "killed.db", files / "clean.db"
    done = killed_at("assay.cli.fairness_cmd:_exported", [*FAIRNESS, "--export", "k.csv"], killed)
    assert done.returncode == -9, done.stderr
    record, _ = the_run(killed)
    assert missing_parts(record) == ["export"]
    resume = ["resume", record.id, "--store", str(killed), "--export", "other.csv", "--quiet"]
    assert exit_of(resume) == 1
    assert exit_of([*FAIRNESS, "--export", "c.csv", "--store", str(clean), "--quiet"]) == 1
    assert (files / "other.csv").read_text() == (files / "c.csv").read_text()
    assert not (files / "k.csv").exists()  # (the stored file: not written as well)
    finished, _ = the_run(killed)
    assert not finishable(finished) and "unfinished" not in finished.summary


def killed_with_its_folder_gone(files: Path) -> tuple[Path, RunRecord]:
    """A run killed as it wrote ``--export out/k.csv``, then a file where ``out`` was."""
    killed = files / "killed.db"
    (files / "out").mkdir()
    done = killed_at(
        "assay.cli.fairness_cmd:_exported", [*FAIRNESS, "--export", "out/k.csv"], killed
    )
    assert done.returncode == -9, done.stderr
    (files / "out").rmdir()
    (files / "out").write_text("a file where the folder was\n")
    return killed, the_run(killed)[0]


def test_the_stored_export_is_checked_before_the_model_loads(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    killed, record = killed_with_its_folder_gone(files)
    capsys.readouterr()
    assert exit_of(["resume", record.id, "--store", str(killed)]) == 2
    err = capsys.readouterr().err
    assert "argument RUN_ID" in err and "out/k.csv" in err, err
    assert "give --export FILE to write it elsewhere" in err, err
    after, _ = the_run(killed)
    # refused before the model loaded: no session of the finish counted, no error kept
    assert "sessions" not in after.config and after.error is None
    assert missing_parts(after) == ["export"]
    # written elsewhere as the refusal says
    resume = ["resume", record.id, "--store", str(killed), "--export", "k2.csv", "--quiet"]
    assert exit_of(resume) == 1
    assert (files / "k2.csv").read_text().startswith("idi,variant,")
