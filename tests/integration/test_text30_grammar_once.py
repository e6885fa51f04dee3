"""A grammar whose ``%invariant`` class is a whole rule (``%invariant N``) was stored as
``Grammar.to_text()``, which wrote the class's members out a second time after the rule's
(a 13 MB grammar of 900,000 nouns: 26.8 M characters in the store).  A class of all the
rule's alternatives is now written ``%invariant N``: the members once.  ``assay resume``,
``show``, ``report`` and ``verify`` still work from what the store keeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.text.grammar import parse_grammar

register()
runner = CliRunner()
N_NOUNS = 20_000
NOUNS = " | ".join(f'"noun{i}"' for i in range(N_NOUNS))
GRAMMAR = f'S -> "the" N "is" A\nN -> {NOUNS}\nA -> "good" | "bad"\n%invariant N\n'
MODEL = (
    "def f(batch):\n"
    "    return ['neg' if 'bad' in s or '7 is' in s else 'pos' for s in batch]\n"
    "f.classes_ = ['neg', 'pos']\n"
)


def _interrupt_in_checks(p: dict[str, Any]) -> None:
    if p.get("phase") == "checks":  # before the search: the resume searches from the grammar
        raise KeyboardInterrupt


def test_a_whole_rule_class_is_written_once() -> None:
    g = parse_grammar(GRAMMAR)
    text = g.to_text()
    assert text.count('"noun19999"') == 1, text[-200:]
    again = parse_grammar(text)
    assert again.invariants[0].alternatives == g.invariants[0].alternatives
    assert again.to_text() == text
    subset = parse_grammar('S -> A\nA -> "a" | "b" | "c"\n%invariant A: "c" | "a"\n')
    assert parse_grammar(subset.to_text()).invariants[0].alternatives == (2, 0)


def test_the_stored_grammar_is_once_and_the_run_resumes_shows_reports_verifies(
    tmp_path: Path,
) -> None:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    store = tmp_path / "runs.db"
    with pytest.raises(KeyboardInterrupt) as caught:
        assay.check_text(
            f"{tmp_path}/m.py:f",
            grammar=str(tmp_path / "g.cfg"),
            oracle="invariance",
            max_queries=3_000,
            seed=2,
            store=store,
            on_progress=_interrupt_in_checks,
        )
    run = caught.value.run_id  # type: ignore[attr-defined]
    with RunStore(store, read_only=True) as s:
        record = s.get_run(run)
        assert record.status == "interrupted"
    stored = json.dumps(record.config)
    assert stored.count("noun19999") == 1, stored.count("noun19999")
    assert len(stored) < 1.3 * len(json.dumps(GRAMMAR))
    resumed = runner.invoke(app, ["resume", run, "--store", str(store)])
    assert resumed.exit_code == 1, resumed.output  # the invariance failures on noun*7
    assert "invariance failure" in resumed.output, resumed.output
    shown = runner.invoke(app, ["show", run, "--store", str(store)])
    assert shown.exit_code == 0 and "7 is" in shown.output, shown.output
    report = tmp_path / "r.json"
    made = runner.invoke(app, ["report", run, "--store", str(store), "--report", str(report)])
    assert made.exit_code == 1 and report.is_file(), made.output  # (the run's verdict)
    assert "noun19999" not in report.read_text(encoding="utf-8")
    verified = runner.invoke(app, ["verify", run, "--store", str(store)])
    assert verified.exit_code == 1 and "still fail" in verified.output, verified.output
