"""mutation49: what a command that made no run leaves (``cli.leftover``, report48, left48b2):
its JUnit file's exit code, and the run its printed commands name."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.cli import leftover
from assay.cli.run_placeholders import filled, filling


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    typed = list(leftover._TYPED)
    leftover.forget()
    yield
    leftover.forget()
    leftover._TYPED[:] = typed


def _props(path: Path) -> dict[str, str]:
    root = ET.parse(path).getroot()
    return {p.get("name", ""): p.get("value", "") for p in root.iter("property")}


def test_a_junit_file_of_no_run_says_its_exit_code_with_nothing_typed(tmp_path: Path) -> None:
    # (LV3) called where no command line was typed (in-process): the code is still said
    leftover._TYPED[:] = []
    assert leftover.error_junit(tmp_path / "r.xml", "fairness", "usage_error", "bad", code=2)
    assert _props(tmp_path / "r.xml") == {
        "command_exit": "assay fairness exited 2 "
        "(not everything or nothing was tested, or a usage error)"
    }
    # a code not in the table: its number
    leftover.error_junit(tmp_path / "s.xml", "backdoor", "interrupted", "stopped", code=130)
    assert _props(tmp_path / "s.xml")["command_exit"].startswith("assay backdoor exited 130 (")
    # no code given: no property made up
    leftover.error_junit(tmp_path / "t.xml", "fairness", "usage_error", "bad")
    assert _props(tmp_path / "t.xml") == {}


def test_the_run_a_command_made_is_the_one_its_lines_name(tmp_path: Path) -> None:
    # (LV1) a command that made a run and read another: its lines name the run it made
    leftover.about("read-run", tmp_path / "other.db")
    leftover.started("made-run", tmp_path / "runs.db")
    assert leftover.spoken_of() == ("made-run", tmp_path / "runs.db")
    with filling():
        line = filled("see assay show RUN_ID for it")
    assert f"assay show made-run --store {(tmp_path / 'runs.db').as_posix()}" in line
    leftover.forget()
    leftover.about("read-run", tmp_path / "other.db")
    assert leftover.spoken_of() == ("read-run", tmp_path / "other.db")
