"""left49b: a backdoor run deleted (by another command) right after its search ended.

A search that has ended holds no lock on its run, so ``assay delete`` goes through (ops48:
the user's ask, exit 0) while the scan's command still reads the verdict and writes the
reports.  Deleted after the reports were written, the command printed "to rebuild the
reports: assay report RUN --store ...", which then said "no run" (ops48's Left); deleted
before, it ended "argument RUN_ID: no run ... (the store is empty)" (the command takes no
RUN_ID) and "its store could not be read ...; once the store can be read again, write them:
assay report RUN ..." (the store reads; the run is not in it).  Now each says the run was
deleted and names it in no command.  The deletion is another process's ``assay delete``,
run at the point the test picks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ci22_in_process import assay_here
from test_left48b_verify_windows import MODEL, _said

import assay
import assay.cli.backdoor_cmd as backdoor_cmd
import assay.cli.reporting as reporting

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
from test_bd46b_clean_holds_trigger import _images, _stamped  # isort: skip


def _delete(run_id: str, where: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(assay.__file__).parents[1]))
    done = subprocess.run(
        [sys.executable, "-m", "assay", "delete", run_id, "--store", str(where / "s.db")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0 and "deleted 1 run" in done.stdout, done


def _scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rng = np.random.default_rng(0)
    np.save(tmp_path / "clean.npy", _images(240, rng).round(3))
    scanned = np.concatenate([_images(20, rng), _stamped(_images(10, rng, 3))])
    np.save(tmp_path / "scan.npy", scanned.round(3))
    (tmp_path / "m.py").write_text(MODEL)
    args = ["m.py:source", "--images", "scan.npy", "--clean", "clean.npy", "--range", "0,1"]
    reports = ["--report", "r.json", "--junit", "j.xml", "--html", "r.html"]
    done = assay_here(
        capsys, "backdoor", *args, "--seed", "0", "--store", "s.db", *reports, cwd=tmp_path
    )
    return done.returncode, _said(done)


def test_deleted_after_its_reports_were_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = reporting.write_reports

    def written_then_deleted(doc: dict[str, Any], **kw: Any) -> Any:
        out = real(doc, **kw)
        _delete(doc["run"]["id"], tmp_path)
        return out

    monkeypatch.setattr(reporting, "write_reports", written_then_deleted)
    code, said = _scan(tmp_path, capsys)
    assert code == 1 and "NOT CLEAN" in said, said  # (its verdict, read before the delete)
    assert (tmp_path / "r.json").is_file() and (tmp_path / "j.xml").is_file()
    # main: "to rebuild the reports: assay report backdoor-... --store ..." ("no run")
    assert "to rebuild the reports" not in said and "assay report" not in said, said
    assert (
        "was deleted from its store by another command (a delete or a prune) while this "
        "command wrote its reports: its findings went with it, and the reports written above "
        "hold what it found" in said
    ), said


def test_deleted_before_its_verdict_was_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = backdoor_cmd.finish_run

    def deleted_then_finished(out: Any, *, run_id: str, **kw: Any) -> int:
        _delete(run_id, tmp_path)
        return real(out, run_id=run_id, **kw)

    monkeypatch.setattr(backdoor_cmd, "finish_run", deleted_then_finished)
    code, said = _scan(tmp_path, capsys)
    assert code == 2, said  # (no verdict: never a pass)
    # main: "argument RUN_ID: no run '...' in ... (the store is empty)" and "its store could
    # not be read ...; once the store can be read again, write them: assay report ..."
    assert "RUN_ID" not in said and "assay report" not in said, said
    assert "could not be read" not in said, said
    assert (
        "after its search ended, before this command read its verdict: its findings went "
        "with it, so this command has no verdict to give and wrote no report" in said
    ), said
    assert (
        "it was deleted from its store, so no report of it was written (not written: "
        "--html r.html, --report r.json); wrote j.xml (one error naming why)" in said
    ), said
    assert not (tmp_path / "r.json").exists()
    assert "deleted from its store" in (tmp_path / "j.xml").read_text()
