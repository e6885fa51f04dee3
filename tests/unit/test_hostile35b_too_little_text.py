"""A text run whose search judged under ``TOO_FEW`` (30) cases, none failing, before its
budget ended it is not a pass (``text.summary._too_little``: "not everything was tested",
exit 2, a red JUnit file naming --max-queries), as a suite's test of too few cases already
was: one sentence compared tells nothing (hostile35's `--max-queries 67`, loading asking 66,
exited 0 with a green JUnit file).  A small grammar asked whole passes however few its
cases, and a search of 30 cases or more passes as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.outcome import not_a_pass
from assay.text.api import check_text, setup_text
from assay.text.bound import TOO_FEW
from assay.text.loading import LOADING_PROBE
from assay.text.pipeline import WORKER_ENV

register()
FAKES = Path(__file__).resolve().parents[1] / "fixtures" / "text_fakes.py"
AGREE = [f"{FAKES}:lexicon", f"{FAKES}:lexicon_again"]  # never disagree


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")


def _run(tmp_path: Path, grammar: str, max_queries: int, **kw: Any) -> Any:
    setup = setup_text(AGREE, grammar=grammar)
    return check_text(setup=setup, store=tmp_path / "t.db", seed=2, max_queries=max_queries, **kw)


def test_one_sentence_compared_is_not_a_pass(tmp_path: Path) -> None:
    r = _run(tmp_path, "builtin:reviews", LOADING_PROBE + 1)
    assert r.n_findings == 0 and r.summary["tested"] == 1
    what, why = not_a_pass(r.summary) or ("", "")
    assert what == "not everything was tested"
    assert "judged 1 case" in why and f"under {TOO_FEW}" in why
    assert "raise --max-queries" in why


def test_thirty_cases_and_a_small_grammar_asked_whole_still_pass(tmp_path: Path) -> None:
    r = _run(tmp_path, "builtin:reviews", 200, determinism_check=False)
    assert r.n_findings == 0 and r.summary["tested"] >= TOO_FEW
    assert not_a_pass(r.summary) is None
    g = tmp_path / "two.cfg"
    g.write_text('%start s\ns -> "the food is good" | "the food is bad"\n')
    small = check_text(setup=setup_text(AGREE, grammar=str(g)), store=tmp_path / "s.db", seed=2)
    assert 0 < small.summary["tested"] < TOO_FEW
    assert not_a_pass(small.summary) is None


def test_the_command_exits_2_with_a_red_junit_file(tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    res = CliRunner().invoke(
        app,
        [
            "text", *AGREE, "--grammar", "builtin:reviews", "--max-queries",
            str(LOADING_PROBE + 1), "--seed", "2", "--store", str(tmp_path / "c.db"),
            "--junit", str(junit),
        ],
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "raise --max-queries" in res.output
    xml = junit.read_text()
    assert 'errors="1"' in xml and "not everything tested" in xml
    assert "raise --max-queries" in xml
