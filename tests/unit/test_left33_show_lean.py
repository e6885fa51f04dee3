"""left33: ``assay show`` of a text run leaves its grammar's text in the store (text32's
Left): it parsed the whole config entry (15 MB for text31's grammar of 900,000 nouns) to
print ten lines; only a resume and a verify read the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_text32_config_once import _grammar, _store_with_run, big_parses, classify
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core import config_cache
from assay.core import store as store_module
from assay.core.store import RunStore

__all__ = ["big_parses"]  # (the fixture, shared)

register()
runner = CliRunner()


def test_a_lean_read_leaves_the_grammar_text_out(tmp_path: Path, big_parses: list[int]) -> None:
    run = _store_with_run(tmp_path / "runs.db", _grammar())
    with RunStore(tmp_path / "runs.db", read_only=True) as store:
        lean = store.get_run(run, lean=True).config
        assert lean["grammar"] == {"source": "g.cfg"} and lean["oracle"] == "invariance"
        assert big_parses == []
        assert store.get_run(run).config["grammar"]["text"] == _grammar()  # (whole)


def test_assay_show_parses_no_grammar(
    tmp_path: Path, big_parses: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "runs.db"
    result = assay.check_text(
        classify, grammar=_grammar(), oracle="invariance", max_queries=300, seed=2, store=store
    )
    config_cache._kept.clear()
    big_parses.clear()
    shown = runner.invoke(app, ["show", result.run_id, "--store", str(store)])
    assert shown.exit_code == 0, shown.output
    assert "to reproduce: assay.check_text(" in shown.output, shown.output
    assert big_parses == [], big_parses
    monkeypatch.setattr(store_module, "LEAN", {})  # (the whole config read: the same lines)
    whole = runner.invoke(app, ["show", result.run_id, "--store", str(store)])
    assert big_parses != [] and whole.output == shown.output
