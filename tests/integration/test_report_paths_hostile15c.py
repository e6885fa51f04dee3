"""A hostile user's report paths: a link to a report file, a named pipe (what
``--report /dev/stdout`` is); a report cut short by a full disk.  The pipe is written
through and left as it was (removing ``/dev/stdout`` as root took it from every program on
the machine); a link is replaced by the report, its target left as it was (left29: a link
planted at the path would have the report written into any file); a report is written
whole or not at all."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.report.document import write_reports

register()
runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    store = tmp_path_factory.mktemp("store") / "r.db"
    res = runner.invoke(
        app, ["fairness", "--dataset", "adult", "--max-queries", "400", "--seed", "1",
              "--store", str(store), "-q"],
    )  # fmt: skip
    assert res.exit_code in (0, 1), res.output
    (record,) = RunStore(store, read_only=True).list_runs()
    return store, record.id


def test_a_link_to_a_report_is_replaced_its_target_kept(
    run: tuple[Path, str], tmp_path: Path
) -> None:
    store, run_id = run
    target = tmp_path / "reports" / "latest-real.json"
    target.parent.mkdir()
    target.write_text("an earlier run's report\n")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    res = runner.invoke(app, ["report", run_id, "--store", str(store), "--report", str(link)])
    assert res.exit_code == 1, res.output  # the run's verdict (left26)
    assert not link.is_symlink() and '"run"' in link.read_text()  # the report, in its place
    assert target.read_text() == "an earlier run's report\n"  # never written through the link


def test_a_named_pipe_is_written_through_and_left_a_pipe(
    run: tuple[Path, str], tmp_path: Path
) -> None:
    store, run_id = run
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read() -> None:
        with fifo.open("rb") as f:
            got.append(f.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    res = runner.invoke(app, ["report", run_id, "--store", str(store), "--html", str(fifo)])
    assert res.exit_code == 1, res.output  # the run's verdict (left26)
    reader.join(timeout=30)
    assert fifo.is_fifo()  # never removed and replaced by a regular file
    assert got and b"<html" in got[0].lower()


def test_a_report_cut_short_by_the_disk_is_not_left_behind(
    run: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.report import build_document

    store, run_id = run
    with RunStore(store, read_only=True) as s:
        doc = build_document(s, run_id)
    html = tmp_path / "r.html"
    real_fdopen = os.fdopen

    class FullDisk:  # the file assay writes: what fits, then ENOSPC
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.close()

        def write(self, text: str) -> int:
            self.inner.write(text[: len(text) // 3])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
    with pytest.raises(Exception, match="No space left"):
        write_reports(doc, html_path=html)
    assert not html.exists()  # nothing cut short for CI to publish
    assert not list(tmp_path.glob(".*tmp"))
