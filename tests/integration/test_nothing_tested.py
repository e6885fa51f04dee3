"""A run that tested nothing is never a pass; an answer that found the bug is a failure.

CI trusts the exit code and the JUnit file: a budget spent before the first test must end
non-zero (2) with an errored JUnit case, and a fairness answer that found discrimination
while the search stored no IDI must end 1, not 0.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.outcome import answer_found, untested

pytestmark = pytest.mark.slow


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


def test_a_backdoor_run_whose_budget_ends_before_the_first_image_is_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junit = tmp_path / "junit.xml"
    code, out, err = _cli(
        capsys,
        "backdoor",
        "builtin:trojan",
        "--max-queries",
        "5",
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
        "--junit",
        str(junit),
        "--report",
        str(tmp_path / "report.json"),
    )
    assert code == 2, (out, err)
    assert "nothing was tested" in err and "--max-queries" in err
    suite = ET.parse(junit).getroot()
    assert suite.get("errors") == "1" and suite.get("failures") == "0"
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["headline"].startswith("NOTHING WAS TESTED")


def test_a_fairness_answer_that_found_discrimination_fails_without_a_stored_idi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One query cannot test a class (each costs two: one per value of sex), but the exact
    analysis of the tree finds discriminatory inputs: exit 1, and the JUnit suite fails."""
    junit = tmp_path / "junit.xml"
    code, out, err = _cli(
        capsys,
        "fairness",
        "--dataset",
        "adult",
        "--protected",
        "sex",
        "--max-queries",
        "1",
        "--seed",
        "1",
        "--store",
        str(tmp_path / "runs.db"),
        "--junit",
        str(junit),
        "--json",
    )
    assert code == 1, (out, err)
    result = json.loads(out)
    assert result["findings"] == 0 and result["found_by_answer"] == ["sex"]
    assert ET.parse(junit).getroot().get("failures") == "1"


def test_the_outcome_rules() -> None:
    assert untested({"tested": 0, "stop_reason": "queries"}) is not None
    assert "--max-time" in (untested({"tested": 0, "stopped_early": {"search": "time"}}) or "")
    assert untested({"tested": 0, "answer_tested": 500}) is None
    assert untested({"tested": 3}) is None
    assert untested({"headline": "a summary that does not say"}) is None
    assert answer_found({"verdict": [{"attribute": "sex", "level": "found"}]}) == ["sex"]
    assert answer_found({"verdict": [{"attribute": "sex", "level": "none found"}]}) == []
    assert answer_found({"verdict": {"suspects": [3]}}) == []  # backdoor's verdict: not this


def test_a_demonstration_that_tested_nothing_is_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A demonstration exits 0 when it finds bugs (that is what it shows), but not when it
    tested nothing: it said 'exit 2; this is not a pass' and exited 0."""
    monkeypatch.chdir(tmp_path)  # (the demos write their reports in ./assay-demo)
    store = str(tmp_path / "runs.db")
    code, out, err = _cli(
        capsys, "backdoor", "--demo", "--max-queries", "5", "--seed", "1", "--store", store
    )
    assert code == 2 and "nothing was tested" in err, (out, err)
    code, out, err = _cli(
        capsys, "text", "--demo", "--max-queries", "40", "--seed", "1", "--store", store
    )
    assert code == 0 and "disagreement" in out, (out, err)  # found some: the demo's pass
