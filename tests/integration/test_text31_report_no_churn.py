"""``assay text ... --report`` with a large grammar: the run's config (the grammar's text in
it) was a column of the run's row, which every checkpoint rewrote and ``--report`` rewrote
once more to keep the reports' paths: a 13 MB grammar's store held 15 MB of free pages.
Now the grammar is written once and the store holds (almost) no free pages after the run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()
NOUNS = " | ".join(f'"noun{i}"' for i in range(20_000))
GRAMMAR = f'S -> "the" N "is" A\nN -> {NOUNS}\nA -> "good" | "bad"\n%invariant N\n'
MODEL = (
    "def f(batch):\n"
    "    return ['neg' if 'bad' in s else 'pos' for s in batch]\n"
    "f.classes_ = ['neg', 'pos']\n"
)


def test_a_run_with_a_report_leaves_no_copy_of_its_grammar_in_free_pages(
    tmp_path: Path,
) -> None:
    (tmp_path / "m.py").write_text(MODEL, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    store, report = tmp_path / "runs.db", tmp_path / "r.json"
    ran = runner.invoke(
        app,
        [
            "text", f"{tmp_path}/m.py:f", "--grammar", str(tmp_path / "g.cfg"),
            "--oracle", "invariance", "--max-queries", "2500", "--seed", "1",
            "--store", str(store), "--report", str(report),
        ],
    )  # fmt: skip
    assert ran.exit_code == 0 and report.is_file(), ran.output
    with RunStore(store, read_only=True) as s:
        (record,) = s.list_runs()
        config = s.get_run(record.id).config
    assert config["reports"] == {"--report": str(report)}  # kept, for the resume hints
    assert "noun19999" in config["grammar"]["text"]
    db = sqlite3.connect(store)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        (free,) = db.execute("PRAGMA freelist_count").fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    finally:
        db.close()
    # (before: a copy of the grammar, ~330 KB, in free pages)
    assert free * size < len(GRAMMAR) // 10, (free * size, len(GRAMMAR))
