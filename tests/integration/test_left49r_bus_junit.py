"""left49r: a command whose store's index is made unwritable after ops48's ask (a SIGBUS that
``core.store_bus`` turns into the store's failure, exit 4) ended at once with no ``--junit``
file: a CI job reading only that file saw nothing at all.  The file needs no store: it is
now written as one error naming the failure (``cli.store_lost``), ``--json`` prints the
error's document, and the ``--report``/``--html`` not written are named.  The race is made
certain by answering the ask before the change, as ops49's test does.  Needs ``chattr``."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_ops48_store_index_immutable import _chattr, _child

from assay.core.store import RunStore

pytestmark = pytest.mark.slow

# the CLI's fairness run; the index made immutable as its checks begin, the ask answered
# before the change (the race): its next write, or its heartbeat's, is the bus error
CLI = """
    import subprocess, sys
    import assay.core.store as at
    import assay.fairness.check as check
    at.index_writable = lambda path: True
    real = check._flip_check
    def flip(*a, **k):
        subprocess.run(["chattr", "+i", "s.db-shm"], check=True)
        return real(*a, **k)
    check._flip_check = flip
    from assay.cli.app import main
    main(["fairness", "--dataset", "german", "--max-queries", "3000", "--seed", "1",
          "--store", "s.db", "--junit", "r.xml", "--report", "r.json", "--html", "r.html",
          "--json"])
"""


def test_a_store_lost_to_a_bus_error_leaves_the_junit_error_and_names_the_rest(
    tmp_path: Path,
) -> None:
    _chattr(tmp_path)
    try:
        child = _child(CLI, tmp_path)
    finally:
        subprocess.run(["chattr", "-i", str(tmp_path / "s.db-shm")], capture_output=True)
    assert child.returncode == 4, (child.returncode, child.stderr[-2000:])
    said = child.stderr
    assert "assay: error: the run store failed: " in said and "chattr -i" in said, said
    with RunStore(tmp_path / "s.db", read_only=True) as store:
        (run,) = store.list_runs()
    # the JUnit file: one error naming the failure and how to go on, the exit code 4 (main:
    # no file at all)
    root = ET.parse(tmp_path / "r.xml").getroot()
    assert root.get("errors") == "1" and root.get("failures") == "0", ET.tostring(root)
    (error,) = root.iter("error")
    assert error.get("type") == "store_error", error.attrib
    text = error.text or ""
    assert f"after run {run.id} was made" in text and "can no longer be written" in text, text
    assert f"assay resume {run.id} --store" in text, text
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["command_exit"].startswith("assay fairness exited 4 ("), props
    # the reports not written are named, with the line that writes them later
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "r.html").exists()
    line = said.strip().splitlines()[-1]
    assert line.startswith(f"assay: run {run.id}: not written: --report r.json, --html r.html")
    assert "wrote r.xml (one error naming why)" in line, line
    assert f"write them: assay report {run.id} --store" in line, line
    # --json: the error's document on stdout, as the command's own store failure prints it
    document = json.loads(child.stdout[child.stdout.index("{") :])
    assert document["exit_code"] == 4 and document["kind"] == "store_error", document
    assert document["run_id"] == run.id, document
