"""``assay demo``'s files say the exit code it ended with, as every run command's do
(report46b).

Before, the fairness demonstration's run was not the command's (its ``check_fairness`` was
given no ``on_start``): its JSON report said ``command_exit_code: null`` (documented as a run
made from Python), its JUnit file no ``command_exit`` and its HTML no "Command assay demo
exited 0", beside a command that exited 0.  And a demonstration's kept exit 0 read "(the run
passed)" (``assay demo text``'s JUnit: "assay text exited 0 (the run passed)") beside the bugs
it found: it now says what a demonstration's 0 means.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assay.cli.app import main

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def test_the_demos_files_say_its_exit_code(tmp_path: Path) -> None:
    out = tmp_path / "d"
    args = ["demo", "--seconds", "3", "--out", str(out), "--store", str(tmp_path / "s.db")]
    with pytest.raises(SystemExit) as e:
        main(args)
    code = int(e.value.code or 0)
    assert code in (0, 1, 2)
    doc = json.loads((out / "fairness.json").read_text())
    assert doc["command_exit_code"] == code, doc["command_exit_code"]  # main: None
    props = {
        p.get("name"): p.get("value")
        for p in ET.parse(out / "fairness.junit.xml").getroot().iter("property")
    }
    assert f"exited {code}" in (props.get("command_exit") or ""), props
    assert f"exited {code}" in (out / "fairness.html").read_text()
    if code == 0:  # main, once kept: "assay demo exited 0 (the run passed)" beside its bugs
        assert "the run passed" not in props["command_exit"]
        assert "found the bugs it demonstrates" in (props["command_exit"] or "")


def test_a_demonstrations_kept_exit_says_what_it_means() -> None:
    from assay.core.command_exit import exit_said

    config = {"command_exit": {"code": 0, "command": "text"}}
    said = exit_said(config, 0, demo=True)
    assert said == "assay text exited 0 (the demonstration found the bugs it demonstrates)"
    assert exit_said(config, 0) == "assay text exited 0 (the run passed)"  # any other run's
    config = {"command_exit": {"code": 130, "command": "demo"}}
    assert exit_said(config, 0, demo=True) is not None
    assert "(interrupted)" in str(exit_said(config, 0, demo=True))
