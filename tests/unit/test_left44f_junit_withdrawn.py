"""left44f: a withdrawn exact certificate said in JUnit.  exact43 withdrew the exact figures
(and certificate) the search's findings contradict, in the terminal, JSON and HTML; a JUnit
file showed the withdrawal only as a "certified zero" absent (one failing case per finding).
Each withdrawn analysis is now a suite property ``exact_withdrawn``, ``ATTRIBUTE: reason``,
and a run whose analysis stands has none."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register

from test_exact43_found_checks_trees import SCHEMA, _models, _run  # isort: skip


def _properties(store: Path, run_id: str, out: Path) -> dict[str, list[str]]:
    register()
    made = CliRunner().invoke(app, ["report", run_id, "--store", str(store), "--junit", str(out)])
    assert made.exit_code == 1, made.output
    props: dict[str, list[str]] = {}
    for p in ET.parse(out).iter("property"):
        props.setdefault(p.get("name", ""), []).append(p.get("value", ""))
    return props


def test_a_withdrawn_certificate_is_a_junit_property(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = _run(monkeypatch, tmp_path, elsewhere=False)
    (entry,) = result.summary["exact"]
    assert entry["withdrawn"] is True
    props = _properties(tmp_path / "runs.db", result.run_id, tmp_path / "j.xml")
    (said,) = props["exact_withdrawn"]
    assert said.startswith("sex: the trees the exact analysis read disagree with the model")


def test_an_analysis_that_stands_says_nothing_withdrawn(tmp_path: Path) -> None:
    model, _ = _models(elsewhere=True)
    result = assay.check_fairness(
        model=model, schema=SCHEMA, protected=["sex"], max_queries=2000, seed=0,
        answer_samples=100, store=tmp_path / "runs.db",
    )  # fmt: skip
    assert result.summary["exact"][0]["status"] == "exact"
    props = _properties(tmp_path / "runs.db", result.run_id, tmp_path / "j.xml")
    assert "exact_withdrawn" not in props and props["headline"]
