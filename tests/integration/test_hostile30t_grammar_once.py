"""A run's summary held its grammar's whole text (``summary.text.grammar.text``) beside the
config's copy: a 13 MB grammar made a 122 MB store for a run of 2,000 queries that found
nothing, and a 30 MB JSON report (the config's copy is shown there by its size and digest,
the summary's was not).  The summary now keeps the grammar's figures only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from assay.core.store import RunStore
from assay.report.document import build_document
from assay.text.api import check_text

NOUNS = " | ".join(f'"noun{i}"' for i in range(20_000))
GRAMMAR = f'S -> "the" N "is" A\nN -> {NOUNS}\nA -> "good" | "bad"\n'


def first(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


def second(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s and "noun7" not in s else "neg" for s in batch]


def test_the_grammar_text_is_kept_once_and_not_in_the_report(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "runs.db")
    r = check_text([first, second], grammar=GRAMMAR, max_queries=200, seed=1, store=store)
    record = store.get_run(r.run_id)
    assert "noun19999" in record.config["grammar"]["text"]  # (a resume needs it)
    kept = record.summary["text"]["grammar"]
    assert "text" not in kept and kept["productions"] > 20_000, kept
    assert len(json.dumps(record.summary)) < 100_000
    assert len(json.dumps(build_document(store, r.run_id))) < 100_000
