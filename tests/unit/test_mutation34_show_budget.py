"""``assay show --json`` keeps a text run's whole config, its grammar's text too (said by its
size and digest; only the printed summary reads the config lean); the Budget section says a
phase that stopped at its budget so (mutation34: mutants SL2, show --json read lean, and
BS1, "stopped at its query budget" said "ended before its budget: queries", survived
left33's tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_text32_config_once import _grammar, classify
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.fairness.summary import _budget_said

register()
runner = CliRunner()


def test_assay_show_json_keeps_the_grammars_text(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    result = assay.check_text(
        classify, grammar=_grammar(), oracle="invariance", max_queries=300, seed=2, store=store
    )
    shown = runner.invoke(app, ["show", result.run_id, "--store", str(store), "--json"])
    assert shown.exit_code == 0, shown.output
    text = json.loads(shown.output)["config"]["grammar"]["text"]  # (a long one: said by size)
    assert re.match(r"<[\d,]{7} characters \(sha256 [0-9a-f]+\.\.\.\), kept in", text), text


def test_a_phase_stopped_by_its_budget_is_said_so() -> None:
    assert _budget_said(("search", "queries")) == "the search stopped at its query budget"
    assert _budget_said(("estimate", "time")) == "the estimate stopped at its time budget"
    assert _budget_said(("search", "no candidates")) == (
        "the search ended before its budget: no candidates"
    )
