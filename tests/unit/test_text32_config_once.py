"""A run's large config entry (a text run's grammar) is parsed once per command, not at every
``get_run``: ``assay report RUN`` parsed a 15 MB grammar four times (the record, the
document, the verdict, the status), ``assay text`` eleven, each through a store of its own.
The kept value is used only while the stored text reads back the same, and each reader gets
its own copy."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core import config_cache
from assay.core.store import RunStore

register()
runner = CliRunner()

NOUNS = 12_000  # a grammar's text of ~150,000 characters: above config_cache.LARGE


def _grammar(nouns: int = NOUNS, word: str = "noun") -> str:
    alts = " | ".join(f'"{word}{i}"' for i in range(nouns))
    return f'S -> "the" N "is" A\nN -> {alts}\nA -> "good" | "bad"\n%invariant N\n'


@pytest.fixture
def big_parses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The sizes of the large JSON texts parsed from now on (by anyone in the process)."""
    seen: list[int] = []
    loads = json.loads

    def counting(text: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(text, str) and len(text) >= config_cache.LARGE:
            seen.append(len(text))
        return loads(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    config_cache._kept.clear()  # (a value kept by an earlier test would hide a parse)
    yield seen
    config_cache._kept.clear()


def _store_with_run(path: Path, grammar: str) -> str:
    with RunStore(path) as store:
        store.create_run(
            run_id="text-1",
            technique="text",
            seed=1,
            command="assay text f.py:f --grammar g.cfg",
            config={"grammar": {"source": "g.cfg", "text": grammar}, "oracle": "invariance"},
            model={},
            versions={},
        )
    return "text-1"


def test_each_store_reads_the_large_entry_parsed_once(
    tmp_path: Path, big_parses: list[int]
) -> None:
    path = tmp_path / "runs.db"
    grammar = _grammar()
    run = _store_with_run(path, grammar)
    for _ in range(4):  # four stores of their own, as one command opens them
        store = RunStore(path, read_only=True)
        assert store.get_run(run).config["grammar"]["text"] == grammar
        store.close()
    assert len(big_parses) == 1, big_parses


def test_a_changed_entry_is_read_again_whoever_wrote_it(
    tmp_path: Path, big_parses: list[int]
) -> None:
    path = tmp_path / "runs.db"
    run = _store_with_run(path, _grammar())
    reader = RunStore(path)
    assert reader.get_run(run).config["grammar"]["text"] == _grammar()
    other = _grammar(word="nuon")  # the same length, another text
    assert len(json.dumps({"source": "g.cfg", "text": other})) == len(
        json.dumps({"source": "g.cfg", "text": _grammar()})
    )
    with RunStore(path) as writer:  # another connection to the file
        writer.set_config(run, grammar={"source": "g.cfg", "text": other})
    assert reader.get_run(run).config["grammar"]["text"] == other
    reader.set_config(run, grammar={"source": "g.cfg", "text": _grammar()})  # its own write
    assert reader.get_run(run).config["grammar"]["text"] == _grammar()
    reader.close()


def test_a_reader_changing_its_config_changes_no_one_elses(
    tmp_path: Path, big_parses: list[int]
) -> None:
    path = tmp_path / "runs.db"
    run = _store_with_run(path, _grammar())
    with RunStore(path) as store:
        first = store.get_run(run).config
        first["grammar"]["source"] = "changed.cfg"
        first["grammar"]["text"] = "S -> 'x'"
        first["oracle"] = "differential"
        again = store.get_run(run).config
    assert again["grammar"] == {"source": "g.cfg", "text": _grammar()}
    assert again["oracle"] == "invariance"
    assert len(big_parses) == 1


def classify(batch: Sequence[str]) -> list[str]:
    return ["neg" if "noun7" in s else "pos" for s in batch]


classify.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_assay_report_parses_its_runs_grammar_once(tmp_path: Path, big_parses: list[int]) -> None:
    store = tmp_path / "runs.db"
    result = assay.check_text(
        classify, grammar=_grammar(), oracle="invariance", max_queries=300, seed=2, store=store
    )
    config_cache._kept.clear()
    big_parses.clear()
    files = ["--report", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html")]
    files += ["--junit", str(tmp_path / "r.xml")]
    said = runner.invoke(app, ["report", result.run_id, "--store", str(store), *files])
    assert said.exit_code in (0, 1), said.output
    assert len(big_parses) == 1, big_parses  # (four before: one per get_run)
    shown = runner.invoke(app, ["show", result.run_id, "--store", str(store)])
    assert shown.exit_code == 0, shown.output
    assert len(big_parses) == 1, big_parses
