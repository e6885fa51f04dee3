"""left26: `assay text --demo --junit F` exits 0 and F is green (a CI smoke test of the
demonstration reads one verdict from both); `assay report` of the demo's run agrees."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()


def test_the_text_demonstrations_junit_file_passes_as_its_exit_code_does(tmp_path: Path) -> None:
    store, junit = tmp_path / "runs.db", tmp_path / "demo.xml"
    result = runner.invoke(
        app,
        ["text", "--demo", "--max-queries", "300", "--seed", "1", "--store", str(store),
         "--junit", str(junit)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    root = ET.parse(junit).getroot()
    assert (root.get("failures"), root.get("errors")) == ("0", "0"), junit.read_text()
    cases = list(root.iter("testcase"))
    assert cases[0].get("name") == "demonstration" and len(cases) > 1
    assert "found the bugs it demonstrates" in result.output
    (run,) = RunStore(store).list_runs()
    again = runner.invoke(
        app, ["report", run.id, "--store", str(store), "--junit", str(tmp_path / "r.xml")]
    )
    assert again.exit_code == 0, again.output
    assert ET.parse(tmp_path / "r.xml").getroot().get("failures") == "0"
