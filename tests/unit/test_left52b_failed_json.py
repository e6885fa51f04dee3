"""A failed command's ``--json`` document says what its terminal said of the run it left:
the findings its store keeps, where that store is, and the resume line as printed
(``cli.failed_json``); its JUnit file's error says the same lines (left52b, hostile52's
leftover: the document held ``error``, ``exit_code``, ``kind`` and ``run_id`` only, a CI
job reading it could not tell that findings were kept nor how to go on)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from assay.cli import leftover
from assay.cli.app import guarded, main
from assay.core.store import RunStore
from assay.errors import UsageError

from test_mutation49_store_clock import _create  # isort: skip
from test_mutation49b_json_error import failed_in_run  # isort: skip

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

LATE = """
N = [0]


def late(texts):
    N[0] += 1
    if N[0] > 6:
        raise RuntimeError("CUDA out of memory")
    return ["neg" if ("bad" in t or "pasta" in t) else "pos" for t in texts]


late.classes_ = ["neg", "pos"]


def plain(texts):
    return ["neg" if "bad" in t else "pos" for t in texts]


plain.classes_ = ["neg", "pos"]
"""


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    leftover.forget()
    yield
    leftover.forget()


LEFT = ("status", "findings", "store", "headline", "command", "resume", "next", "reports")


def _json(out: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(out[out.index("{") :])
    return doc


def test_a_failed_text_runs_json_and_junit_say_its_findings_and_resume_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "late52b.py").write_text(LATE)
    junit = tmp_path / "j.xml"
    store = tmp_path / "s.db"
    with pytest.raises(SystemExit) as ended:
        main(
            [
                "text", "late52b.py:late", "late52b.py:plain", "--grammar", "builtin:reviews",
                "--max-queries", "3000", "--seed", "1", "--store", str(store),
                "--junit", str(junit), "--json",
            ]
        )  # fmt: skip
    said = capsys.readouterr()
    assert ended.value.code == 3, said.err
    doc = _json(said.out)
    assert doc["kind"] == "model_error" and doc["exit_code"] == 3
    with RunStore(store, read_only=True) as s:
        kept = s.get_run(doc["run_id"]).n_findings
    assert kept > 0
    # main: only error, exit_code, kind and run_id
    assert doc["findings"] == kept and doc["status"] == "failed", doc
    assert doc["store"] == str(store.resolve())
    # the resume line exactly as the terminal printed it (stderr under --json)
    printed = [
        line.split("continue with: ", 1)[1]
        for line in said.err.splitlines()
        if line.startswith("once the problem is fixed, continue with: ")
    ]
    assert printed == [doc["resume"]], (printed, doc)
    assert doc["resume"].startswith(f"assay resume {doc['run_id']} --store ")
    assert f"run {doc['run_id']}: failed, {kept:,} findings stored" in said.err
    assert all(line in said.err for line in doc["next"]) and len(doc["next"]) == 2
    assert doc["command"] in said.err and doc["headline"] in said.err
    assert doc["reports"] == [str(junit)]
    # the JUnit file's error says the same lines below the error
    error = ET.parse(junit).getroot().find(".//error[@type='run_failed']")
    assert error is not None and error.text is not None
    assert f"run {doc['run_id']}: failed, {kept:,} findings stored" in error.text
    assert all(line in error.text for line in doc["next"]), error.text
    assert error.get("message") == doc["error"]  # (its message the error alone, as before)


def test_a_run_whose_options_failed_gives_no_resume_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.db"
    refused = UsageError("--cutoff 2 is above every score the model gave")
    assert failed_in_run(store, refused, status="failed") == 2
    said = capsys.readouterr()
    doc = _json(said.out)
    fresh = "a resume keeps this run's options: fix the problem in a new run"
    assert fresh in said.err
    assert doc["resume"] is None and doc["next"] == [fresh], doc
    assert doc["findings"] == 0 and doc["status"] == "failed"
    assert doc["store"] == str(store.resolve())


def test_a_failure_before_any_run_gives_every_key_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def fairness(**_: Any) -> None:
        raise UsageError("protected attribute 'gender' is not a column")

    with pytest.raises(typer.Exit):
        guarded(fairness)(store=str(tmp_path / "runs.db"), junit=None, as_json=True)
    doc = _json(capsys.readouterr().out)
    assert doc["run_id"] is None
    assert {key: doc.get(key, "absent") for key in LEFT} == {
        "status": None, "findings": None, "store": None, "headline": None,
        "command": None, "resume": None, "next": [], "reports": [],
    }  # fmt: skip


@pytest.mark.parametrize("status", ["interrupted", "completed"])
def test_an_interrupted_runs_json_gives_its_continue_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str
) -> None:
    """A run stopped by Ctrl-C (or a CI job's SIGTERM) prints its run document: its
    ``resume`` is the "interrupted; continue with: ..." line the terminal printed (main: no
    such key); null for a run that ended."""
    from assay.cli.console import Output
    from assay.cli.reporting import finish_run

    with RunStore(tmp_path / "runs.db") as store:
        _create(store)
        store.checkpoint("r-1", status=status)
        finish_run(
            Output(quiet=False, as_json=True), store=store, run_id="r-1", junit=tmp_path / "j.xml"
        )
    said = capsys.readouterr()
    doc = _json(said.out)
    if status == "completed":
        assert doc["resume"] is None and "continue with" not in said.err
        return
    printed = said.err.split("interrupted; continue with: ", 1)[1].splitlines()[0]
    assert doc["resume"] == printed, (doc.get("resume"), said.err)
    assert printed.startswith("assay resume r-1 --store ") and "--junit" in printed
