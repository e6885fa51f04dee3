"""ops47: a run whose store fails while it goes on (a file size limit, a full disk, the
store's file deleted) — what its own command's reports and lines say.

Before: the run's JSON report, JUnit error and stdout said of it "its process is gone
(killed, or its machine stopped)" (the store still marks it running, a write of its status
refused too), with nothing of the store's error, while the process that wrote them was the
run's own; a store deleted mid-run left a JUnit error saying "stopped before a run was made"
beside the run's id on stderr, and a new, empty store made at the deleted one's path (by the
write of the command's exit code)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore

SRC = Path(assay.__file__).parents[1]
RUN = ["fairness", "builtin:tree", "--dataset", "adult", "--protected", "sex", "--seed", "4"]


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="POSIX file size limits")
def test_the_reports_of_a_run_whose_store_refused_a_write_say_why_it_stopped(
    tmp_path: Path,
) -> None:
    def limited() -> None:  # (``ulimit -f``: Python ignores SIGXFSZ, the write fails EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_500_000, 1_500_000))

    reports = ["--junit", "j.xml", "--report", "r.json", "--html", "r.html"]
    cut = subprocess.run(
        [sys.executable, "-m", "assay", *RUN, "--max-queries", "400000",
         "--keep-findings", "all", "--optimize", "time", "--store", "s.db", *reports],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, preexec_fn=limited,
        env={**os.environ, "PYTHONPATH": str(SRC), "ASSAY_CHECKPOINT_SECONDS": "0.2"},
    )  # fmt: skip
    assert cut.returncode == 4, cut.stderr[-2000:]
    said = cut.stdout + (tmp_path / "j.xml").read_text() + (tmp_path / "r.html").read_text()
    doc = json.loads((tmp_path / "r.json").read_text())
    said += doc["headline"] + doc["verdict"]
    assert "process is gone" not in said and "stalled" not in cut.stdout, said
    assert "stopped when its store failed" in cut.stdout, cut.stdout
    assert doc["run"]["store_failed"] is True and doc["command_exit_code"] == 4
    assert "ulimit -f" in doc["run"]["error"] and "run store failed" in doc["headline"]
    junit = (tmp_path / "j.xml").read_text()
    assert "the run store failed while the run went on: " in junit and "ulimit -f" in junit
    assert "store failed" in (tmp_path / "r.html").read_text()
    # what its store kept is the run at its last checkpoint; a later report says it stalled
    # (how many findings that checkpoint held depends on the machine's load: on a loaded one
    # the limit can come before the first checkpoint with findings, so only agreement is asked)
    with RunStore(tmp_path / "s.db", read_only=True) as store:
        (run,) = store.list_runs()
    assert run.status == "running" and run.n_findings == doc["findings"]["total"]


def test_a_store_deleted_mid_run_names_the_run_and_is_not_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register()
    store = tmp_path / "st" / "s.db"
    made: list[str] = []
    original = RunStore.checkpoint

    def delete_then_checkpoint(self: RunStore, run_id: str, **kwargs: Any) -> Any:
        if kwargs.get("findings") and not made:  # (``rm -rf`` of the job's folder, mid-run)
            made.append(run_id)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return original(self, run_id, **kwargs)

    monkeypatch.setattr(RunStore, "checkpoint", delete_then_checkpoint)
    junit = tmp_path / "j.xml"
    result = CliRunner().invoke(
        app, [*RUN, "--max-queries", "20000", "--store", str(store), "--junit", str(junit)]
    )
    assert result.exit_code == 4, result.output
    assert "deleted or replaced while the run went on" in result.output
    assert not store.exists()  # (was: a new empty store, listing no run, exit 0)
    text = junit.read_text()
    assert made and made[0] in text and "before a run was made" not in text, text
    assert "was made (its store no longer gives it back)" in text


def test_a_report_a_full_disk_refuses_leaves_the_runs_verdict_on_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: "argument --report; r.json: cannot write the report: No space left on
    device", exit 2, and nothing of the run on the terminal (its 1,319,560 findings, its
    verdict 1), its JUnit file a "no run" error saying "stopped before a run was made"."""
    import errno

    import assay.report.document as document

    register()
    real = document.write_whole

    def full(path: Any, text: str, *args: Any, **kwargs: Any) -> Any:
        if Path(path).name == "r.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, text, *args, **kwargs)

    monkeypatch.setattr(document, "write_whole", full)
    junit, report = tmp_path / "j.xml", tmp_path / "r.json"
    result = CliRunner().invoke(
        app,
        [*RUN, "--max-queries", "20000", "--store", str(tmp_path / "s.db"),
         "--junit", str(junit), "--report", str(report)],
    )  # fmt: skip
    out = result.output
    assert result.exit_code == 2, out
    assert "No space left on device" in out and not report.exists()
    assert "discriminatory inputs found" in out and "(exit 1)" in out, out
    assert f"wrote {report}" not in out and f"wrote {junit}" in out
    assert (
        "once they can be written (a full disk, a read-only folder), write them: assay report "
        in out
    )
    text = junit.read_text()
    assert "before a run was made" not in text and "--report" in text, text
