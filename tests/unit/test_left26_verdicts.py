"""left26: a demonstration's JUnit file and exit code agree (it passes when it found the bugs
it plants, fails when it found none), and ``assay report RUN`` exits with the run's verdict,
as its JUnit file says it (``--exit-zero``: the rendering's success alone).  Runs are made
directly in a store, as a technique leaves them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.findings import FindingBatch
from assay.core.outcome import is_demonstration
from assay.core.store import RunStore

register()
runner = CliRunner()

TEXT_DEMO = "assay text --max-queries 300 --demo --store d.db --seed 1"
# stored as runs were before their config kept a ``demonstration`` flag (left36b): judged by
# the command's words, the models being built in
BUILT_IN = {"invocation": {"models": ["builtin:vader", "builtin:textblob"]}}


def _store(
    tmp_path: Path,
    *,
    command: str = "assay text m.py:a m.py:b --grammar g.cfg --seed 1",
    status: str = "completed",
    n_findings: int = 2,
    summary: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
) -> Path:
    path = tmp_path / "runs.db"
    store = RunStore(path)
    try:
        store.create_run(
            run_id="r1", technique="text", seed=1, command=command,
            config=config or BUILT_IN, model={}, versions={},
        )  # fmt: skip
        findings = []
        if n_findings:
            inputs = np.array([[f"the food is not bad {i}", ""] for i in range(n_findings)])
            findings.append(
                FindingBatch(
                    "text-differential", inputs, np.zeros((n_findings, 1, 4)),
                    np.full(n_findings, 0.8),
                )
            )  # fmt: skip
        said = summary if summary is not None else {"headline": "h", "tested": 100}
        store.checkpoint("r1", findings=findings, status=status, summary=said)
    finally:
        store.close()
    return path


def _report(path: Path, junit: Path, *more: str) -> tuple[int, str, ET.Element]:
    result = runner.invoke(
        app, ["report", "r1", "--store", str(path), "--junit", str(junit), *more]
    )
    return result.exit_code, result.output, ET.parse(junit).getroot()


def _counts(root: ET.Element) -> tuple[int, int]:
    return int(root.get("failures") or 0), int(root.get("errors") or 0)


@pytest.mark.parametrize(
    ("command", "demo"),
    [
        (TEXT_DEMO, True),
        ("assay backdoor --demo --seed 1", True),
        ("assay demo --seed 0 --seconds 20 --out assay-demo", True),
        ("assay text m.py:a m.py:b --grammar g.cfg", False),
        ("assay text -- --demo m.py:b --grammar g.cfg", False),  # a file named --demo
        ("assay.check_text(...)", False),
    ],
)
def test_a_demonstration_is_known_by_its_command(command: str, demo: bool) -> None:
    assert is_demonstration(command, BUILT_IN) is demo


def test_a_demonstration_that_found_its_bugs_has_a_green_junit_file(tmp_path: Path) -> None:
    """Exit 0 and no failure in the file: each finding a passing case that shows it."""
    code, out, root = _report(_store(tmp_path, command=TEXT_DEMO), tmp_path / "j.xml")
    assert code == 0, out
    assert _counts(root) == (0, 0)
    names = [c.get("name") for c in root.iter("testcase")]
    assert names[0] == "demonstration" and len(names) == 3, names
    assert all("found, as the demonstration expects" in (c.findtext("system-out") or "")
               for c in list(root.iter("testcase"))[1:])  # fmt: skip
    assert "found the bugs it demonstrates" in out


def test_a_demonstration_that_found_nothing_fails_in_both(tmp_path: Path) -> None:
    code, out, root = _report(_store(tmp_path, command=TEXT_DEMO, n_findings=0), tmp_path / "j.xml")
    assert code == 1, out
    assert _counts(root) == (1, 0)
    (case,) = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert case.get("name") == "demonstration"


def test_a_failing_runs_report_command_is_no_pass(tmp_path: Path) -> None:
    """A CI step `assay report RUN --junit F` exits as the run's command did (1 here, the
    file's failures), unless told --exit-zero."""
    path = _store(tmp_path)
    code, out, root = _report(path, tmp_path / "j.xml")
    assert _counts(root) == (2, 0)
    assert code == 1, out
    assert "2 findings at or above --fail-on 0 (exit 1)" in out
    code, out, _ = _report(path, tmp_path / "k.xml", "--exit-zero")
    assert code == 0, out
    # the line does not say the exit code this command did not give
    assert "(exit 1 without --exit-zero)" in out and "(exit 1)" not in out


@pytest.mark.parametrize(
    ("status", "summary", "code"),
    [
        ("completed", {"headline": "h", "tested": 100}, 0),
        ("completed", {"headline": "h", "tested": 0}, 2),
        ("interrupted", {"headline": "h", "tested": 100}, 130),
        ("running", {"headline": "h", "tested": 100}, 130),
        ("failed", {"headline": "h", "tested": 100}, 3),
    ],
)
def test_the_report_command_exits_as_its_junit_file_says(
    tmp_path: Path, status: str, summary: dict[str, Any], code: int
) -> None:
    got, out, root = _report(
        _store(tmp_path, status=status, n_findings=0, summary=summary), tmp_path / "j.xml"
    )
    assert got == code, out
    assert (sum(_counts(root)) == 0) is (code == 0)


# left36b (hostile36's Left 3): a run stored before its config kept a ``demonstration`` flag,
# its option value the word --demo (``--store --demo``, kept so before hostile36), of the
# user's models: main judged it a demonstration (exit 0, "found the bugs it demonstrates")
@pytest.mark.parametrize(
    ("command", "config", "code"),
    [
        (
            "assay text m.py:a m.py:b --grammar g.cfg --store --demo --seed 1",
            {"invocation": {"models": ["/w/m.py:a", "/w/m.py:b"]}},
            1,
        ),
        (TEXT_DEMO, {**BUILT_IN, "demonstration": False}, 1),  # the flag, not the words
        ("assay text builtin:vader builtin:textblob", {**BUILT_IN, "demonstration": True}, 0),
        (TEXT_DEMO, BUILT_IN, 0),  # an old demonstration of built-in models: still one
    ],
)
def test_a_run_is_a_demonstration_by_its_flag_or_built_in_models(
    tmp_path: Path, command: str, config: dict[str, Any], code: int
) -> None:
    got, out, root = _report(_store(tmp_path, command=command, config=config), tmp_path / "j.xml")
    assert got == code, out
    assert _counts(root) == ((0, 0) if code == 0 else (2, 0))
    assert ("found the bugs it demonstrates" in out) is (code == 0)
