"""mutation50: what a command leaves when its store is lost to a SIGBUS (``cli.store_lost``),
read from the words it says, without the signal: the ``--junit`` file named as written only
when it was, the reports not written named with the command that writes them (absolute
paths: it may be run from elsewhere), ``--json``'s error document, no credential; and the
store's words armed only while it is open to write (``core.store_bus``), the JUnit writer
loaded when a store is first opened, never in the signal's handler."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.cli import leftover
from assay.cli.store_lost import left_behind
from assay.core import store_bus
from assay.core.store import RunStore

SECRET = "Zq8vLk3mNp0rSt6uWx9y"
WORDS = f"the run store failed at s.db-shm (quota exceeded for {SECRET}): chattr -i s.db-shm"


@pytest.fixture(autouse=True)
def _no_run_yet() -> Iterator[None]:
    leftover.forget("fairness")
    yield
    leftover.forget()


def _leave(options: dict[str, object]) -> str:
    """What the handler says after the failure's words, ``options`` the command's."""
    with left_behind("fairness", options):
        return store_bus._THEN[-1](WORDS)


def test_a_junit_file_that_could_not_be_written_is_named_as_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACME_SERVICE_KEY", SECRET)
    # (a missing folder is made since hostile53b: a file in the folder's place cannot be)
    (tmp_path / "in the way").write_text("a file")
    junit = tmp_path / "in the way" / "r.xml"
    line = _leave({"junit": junit})
    assert not junit.exists()
    assert line.startswith(f"assay: not written: --junit {junit} (the store cannot be read"), line
    assert "wrote" not in line, line


def test_a_made_runs_reports_are_named_with_the_command_that_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACME_SERVICE_KEY", SECRET)
    monkeypatch.chdir(tmp_path)
    leftover.started("fairness-x", tmp_path / "s.db")
    options: dict[str, object] = {"junit": "r.xml", "report": "r.json", "html": "r.html"}
    line = _leave(options)
    assert line.startswith("assay: run fairness-x: not written: --report r.json, --html r.html ")
    assert "wrote r.xml (one error naming why)" in line and "--junit r.xml" not in line, line
    rebuilt = f"--report {tmp_path / 'r.json'} --html {tmp_path / 'r.html'}"
    assert "write them: assay report fairness-x --store" in line and rebuilt in line, line
    (error,) = ET.parse(tmp_path / "r.xml").getroot().iter("error")
    text = error.text or ""
    assert "after run fairness-x was made" in text and "chattr -i s.db-shm" in text, text
    assert SECRET not in text and "***" in text, text


def test_json_gets_the_error_document_with_no_credential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACME_SERVICE_KEY", SECRET)
    leftover.started("fairness-j", tmp_path / "s.db")
    assert _leave({"as_json": True}) == ""  # (no report asked for: no more words)
    document = json.loads(capfd.readouterr().out)
    assert document["exit_code"] == 4 and document["kind"] == "store_error", document
    assert document["run_id"] == "fairness-j" and SECRET not in document["error"], document


def test_nothing_asked_for_and_no_run_says_nothing_more() -> None:
    assert _leave({}) == ""


def test_a_store_is_armed_only_while_it_is_open_to_write(tmp_path: Path) -> None:
    loaded: list[str] = []
    with store_bus.then(lambda words: "", lambda: loaded.append("ready")):
        store = RunStore(tmp_path / "s.db")
        try:
            # (the JUnit writer's imports done as the store opens: never in the handler)
            assert loaded == ["ready"]
            assert id(store) in store_bus._WORDS
        finally:
            store.close()
        assert id(store) not in store_bus._WORDS
        with RunStore(tmp_path / "s.db", read_only=True) as reader:
            assert id(reader) not in store_bus._WORDS
    assert os.path.exists(tmp_path / "s.db")


def test_a_resumes_report_is_named_as_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``assay resume`` and ``assay report`` take ``--report`` as their ``json_path``."""
    monkeypatch.chdir(tmp_path)
    leftover.forget("resume")
    leftover.started("fairness-r", tmp_path / "s.db")
    line = _leave({"json_path": "again.json"})
    assert line.startswith("assay: run fairness-r: not written: --report again.json ("), line
    assert f"--report {tmp_path / 'again.json'}" in line, line
