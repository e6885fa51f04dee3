"""report48: bench/outputs_agree.py's new rules can fail (its functions fed planted outputs).

- a JUnit failure naming a check the terminal does not say flagged anything;
- the HTML's "images flagged ..." figures counting fewer than the run's findings.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SAID = (
    "the common-pattern check (2 classes, 40 queries): no class's unconfirmed images share a "
    "pattern that sends clean images to it; NOT CLEAN by the source-class check (229 queries)"
)


@pytest.fixture(scope="module")
def oa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    here = tmp_path_factory.mktemp("agree")
    saved = {k: os.environ.get(k) for k in ("OUTPUTS_AGREE_DIR", "PRINTED_COMMANDS_DIR")}
    os.environ["OUTPUTS_AGREE_DIR"] = str(here)
    os.environ["PRINTED_COMMANDS_DIR"] = str(here)
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("outputs_agree")
    finally:
        sys.path.remove(str(BENCH))
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _page(tmp_path: Path, rows: dict[str, int]) -> Path:
    cells = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows.items())
    page = tmp_path / "r.html"
    page.write_text(f"<html><body><table>{cells}</table></body></html>")
    return page


def _problems(oa: ModuleType, junit: str, page: Path, total: int = 14) -> list[str]:
    facts = {"junit": {"text": junit}, "report.json": {"findings": total}}
    problems: list[str] = []
    oa._backdoor_checks_agree("b-window", SAID, facts, page, problems)
    return problems


def test_a_junit_failure_of_another_check_is_listed(oa: ModuleType, tmp_path: Path) -> None:
    page = _page(tmp_path, {"images scanned": 30, "images flagged": 14})
    wrong = "image 20: ... (the common-pattern check: a blended trigger)"
    problems = _problems(oa, wrong, page)
    assert len(problems) == 1 and "common-pattern" in problems[0], problems
    right = "image 20: ... (the source-class check: a trigger that fires on images of 3 only)"
    assert _problems(oa, right, page) == []


def test_flagged_figures_short_of_the_findings_are_listed(oa: ModuleType, tmp_path: Path) -> None:
    right = "(the source-class check: a trigger)"
    rows = {
        "images scanned": 30,
        "images flagged": 4,
        "images flagged by STRIP's second opinion": 0,
    }
    problems = _problems(oa, right, _page(tmp_path, rows))
    assert len(problems) == 1 and "count 4 of the run's 14" in problems[0], problems
    rows["images flagged by the common-pattern, class-map and source-class checks"] = 10
    rows["images flagged by the recheck after the scan"] = 3  # (part of the patch scan's)
    assert _problems(oa, right, _page(tmp_path, rows)) == []


def test_advice_that_falls_short_is_listed(
    oa: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    piped = (
        "NOT EVERYTHING WAS TESTED: STRIP's second opinion was not asked (the query budget "
        "left 1,763 of the 3,295 it needs) ...; raise --max-queries by 1,596 or more and run it "
        "again\nseed 3; to reproduce: assay backdoor m.py:f --images i.npy --max-queries 2800\n"
    )
    asked: list[str] = []

    def short(cmd: str, cwd: Path) -> tuple[int, str]:
        asked.append(cmd)
        return 2, "STRIP's second opinion was not asked (the query budget left 9 of 10 it needs)"

    problems: list[str] = []
    monkeypatch.setattr(oa, "_run_printed", short)
    oa._follow_advice("b-budget", piped, tmp_path, problems)
    assert asked == ["assay backdoor m.py:f --images i.npy --max-queries 4396"], asked
    assert len(problems) == 1 and "falls short" in problems[0], problems
    monkeypatch.setattr(oa, "_run_printed", lambda cmd, cwd: (0, "nothing more than clean"))
    problems.clear()
    oa._follow_advice("b-budget", piped, tmp_path, problems)
    assert problems == []
