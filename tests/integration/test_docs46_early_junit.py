"""A command interrupted before it began leaves no earlier run's pass behind (docs46).

README: "Whenever `--junit FILE` was given, FILE is this command's: a command stopped before
its run existed (..., an interrupt while loading) writes it as one errored test case".  A
Ctrl-C or a CI job's timeout while assay itself loads (0.4-4 s by the machine's load: "assay:
error: interrupted before the command began", exit 130) left FILE as it was: an earlier
run's passing JUnit file read as this command's (checked at 0.3-4 s after the start at load
14), and its earlier JSON report too."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import assay

SRC = Path(assay.__file__).parents[1]

# imported at the interpreter's start (``sitecustomize`` on PYTHONPATH): the signal named by
# ASSAY_TEST_SIGNAL is sent when the module ASSAY_TEST_AT is first imported
HOOK = """
import os, signal, sys

class _SendAt:
    def find_spec(self, name, path=None, target=None):
        if name == os.environ["ASSAY_TEST_AT"]:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), getattr(signal, os.environ["ASSAY_TEST_SIGNAL"]))
        return None

sys.meta_path.insert(0, _SendAt())
"""

PASS = (
    '<?xml version="1.0"?>\n<testsuites><testsuite name="assay.fairness" tests="1" '
    'failures="0" errors="0"><testcase name="sex"/></testsuite></testsuites>\n'
)


# numpy: imported by ``from assay.cli.app import main`` in ``assay.__main__.run``'s guard;
# assay.cli.backdoor_cmd: imported while ``cli.app`` builds the command line (``main``'s)
@pytest.mark.parametrize(
    ("at", "name"),
    [("numpy", "SIGINT"), ("numpy", "SIGTERM"), ("assay.cli.backdoor_cmd", "SIGINT")],
)
def test_an_interrupt_before_the_command_began_writes_its_junit_file_as_an_error(
    tmp_path: Path, at: str, name: str
) -> None:
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(HOOK)
    (tmp_path / "j.xml").write_text(PASS)
    (tmp_path / "r.json").write_text('{"assay_version": "0.1", "exit_code": 0}\n')
    (tmp_path / "mine.xml").write_text("<notes>not a report</notes>\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"), str(SRC)]),
        "ASSAY_TEST_SIGNAL": name,
        "ASSAY_TEST_AT": at,
    }
    done = subprocess.run(
        [sys.executable, "-m", "assay", "fairness", "builtin:tree", "--dataset", "german",
         "--protected", "sex", "--store", "s.db", "--junit", "j.xml", "--report", "r.json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 130, (done.returncode, done.stderr)
    assert "interrupted before the command began" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    suite = ET.parse(tmp_path / "j.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("errors") == "1", (tmp_path / "j.xml").read_text()
    error = suite.find("testcase/error")
    assert error is not None and error.get("type") == "interrupted"
    assert "interrupted before the command began" in (error.text or "")
    assert not (tmp_path / "r.json").exists()  # (an earlier run's report, assay's own)
    assert (tmp_path / "mine.xml").read_text() == "<notes>not a report</notes>\n"
    assert not (tmp_path / "s.db").exists()


def test_a_file_that_is_no_report_is_left_alone(tmp_path: Path) -> None:
    """``--junit`` naming a file that is not a JUnit file (a typo for another file) is not
    replaced, as for every other command stopped before its run."""
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(HOOK)
    (tmp_path / "notes.txt").write_text("mine\n")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "hook"), str(SRC)]),
        "ASSAY_TEST_SIGNAL": "SIGINT",
        "ASSAY_TEST_AT": "numpy",
    }
    done = subprocess.run(
        [sys.executable, "-m", "assay", "runs", "--store", "s.db", "--junit", "notes.txt"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 130, done.stderr
    assert (tmp_path / "notes.txt").read_text() == "mine\n"
