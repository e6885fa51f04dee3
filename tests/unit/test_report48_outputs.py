"""report48: the outputs of left48b's and left48f's new paths read side by side.

- A source-class (or class-map) flag failed its JUnit case as "the common-pattern check: a
  blended trigger", beside a terminal that says "the common-pattern check ...: no class's
  unconfirmed images share a pattern ...; NOT CLEAN by the source-class check".
- The HTML's metrics said "images flagged 4" and "images flagged by STRIP's second opinion
  0" of a run whose 14 findings are 4 patch triggers and 10 source-class flags.
- JUnit dropped every warning: a torch module's "read as a classifier's logits ...; if they
  are not class scores ..., test one output at a time with --cutoff C" was printed, in the
  HTML and in the JSON report, not in the CI's file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from assay.backdoor.second_view import opinion_metrics
from assay.cli.app import main
from assay.report.junit import render_junit
from assay.report.junit_cases import backdoor_case

WINDOW_FLAGS = "images flagged by the common-pattern, class-map and source-class checks"


def _flag(strategy: str, located: int = 1, **more: Any) -> dict[str, Any]:
    details = {"image": 20, "name": "scan.npy[20]", "box": [2, 2, 5, 5], "sent": 20, "of": 20,
               "located": located, "strategy": strategy, **more}  # fmt: skip
    return {"kind": "strip-flag", "details": details, "outputs": [7]}


def test_a_source_class_flag_is_said_as_its_own_check() -> None:
    said = backdoor_case(_flag("assay-source-class", source=3), None)
    assert said is not None
    assert "common-pattern" not in said and "blended" not in said, said
    assert "(the source-class check: a trigger that fires on images of 3 only)" in said, said
    assert "send 20 of 20 clean images of 3 to 7" in said and said.startswith("image 20"), said
    assert "holds the pixels at the 5x5 window at (row 2, col 2)" in said, said
    loose = backdoor_case(_flag("assay-source-class", located=0, source=3), None)
    assert loose is not None and "holds" not in loose and "not located" in loose, loose


def test_a_class_map_flag_is_said_as_its_own_check() -> None:
    said = backdoor_case(_flag("assay-class-map"), None)
    assert said is not None and "common-pattern" not in said, said
    assert "(the class-map check: a trigger that sends each class to another)" in said, said
    assert "move 20 of 20 clean images off their own class" in said, said


def test_a_common_pattern_flag_keeps_its_words() -> None:
    said = backdoor_case(_flag("assay-common-pattern"), None)
    assert said is not None and "(the common-pattern check: a blended trigger)" in said, said


def test_the_metrics_count_the_window_checks_flags() -> None:
    opinion = {"flagged": [], "unconfirmed": 26, "queries": 528,
               "source": {"flagged": list(range(20, 30))}, "pattern": {"flagged": [3]}}  # fmt: skip
    figures = opinion_metrics(opinion)
    assert figures[WINDOW_FLAGS] == 11, figures
    assert figures["images flagged by STRIP's second opinion"] == 0
    assert WINDOW_FLAGS not in opinion_metrics({"flagged": [1], "queries": 9, "unconfirmed": 3})


def _doc(summary: dict[str, Any], headline: str) -> dict[str, Any]:
    run = {"id": "fairness-1", "technique": "fairness", "status": "completed", "seed": 3,
           "config": {}, "summary": summary}  # fmt: skip
    return {"run": run, "headline": headline, "findings": {"total": 0, "examples": []},
            "exit_code": 0, "verdict": "the run's verdict: tested (exit 0)"}  # fmt: skip


def test_junit_keeps_the_runs_warnings_and_notes() -> None:
    warning = ("The model answers 2 numbers per input, not probabilities: read as a "
               "classifier's logits; if they are not class scores, test one output at a time "
               "with --cutoff C")  # fmt: skip
    note = "favourable outcome inferred: class '1'"
    summary = {"warnings": [warning, "said in the headline already"], "notes": [note]}
    root = ET.fromstring(render_junit(_doc(summary, "0 found; said in the headline already")))
    props = [(p.get("name"), p.get("value")) for p in root.iter("property")]
    assert ("warning", warning) in props, props
    assert ("note", note) in props, props
    assert not any(v == "said in the headline already" for _, v in props), props


MODEL = """
import numpy as np


def rate_term(rows):
    income = np.asarray(rows["income"], dtype=float)
    return np.stack([4 + 8 * (income < 40), np.asarray(rows["age"], dtype=float) / 2.5], axis=1)
"""


def _refused(tmp_path: Path, *args: str) -> tuple[int, dict[str, str]]:
    with pytest.raises(SystemExit) as ended:
        main([*args, "--junit", str(tmp_path / "r.xml"), "--store", str(tmp_path / "s.db")])
    root = ET.parse(tmp_path / "r.xml").getroot()
    return int(ended.value.code or 0), {
        p.get("name", ""): p.get("value", "") for p in root.iter("property")
    }


def test_a_refusals_junit_says_its_exit_code(tmp_path: Path) -> None:
    """A command refused before a run (several numbers refused at loading, left48f; a bad
    option value) exited 2, its terminal and --json said so; its JUnit file said no code."""
    (tmp_path / "m.py").write_text(MODEL)
    rows = ["income,age,sex"] + [f"{20 + 3 * i},{20 + i},{'fm'[i % 2]}" for i in range(40)]
    (tmp_path / "d.csv").write_text("\n".join(rows) + "\n")
    code, props = _refused(tmp_path, "fairness", f"{tmp_path / 'm.py'}:rate_term", "--data",
                           str(tmp_path / "d.csv"), "--protected", "sex")  # fmt: skip
    assert code == 2
    assert props.get("command_exit") == (
        "assay fairness exited 2 (not everything or nothing was tested, or a usage error)"
    ), props
    code, props = _refused(tmp_path, "fairness", "--dataset", "german", "--max-queries", "x")
    assert code == 2 and props.get("command_exit", "").startswith("assay fairness exited 2"), props
