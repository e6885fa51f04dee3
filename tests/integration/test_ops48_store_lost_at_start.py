"""ops48: a run store deleted or replaced between the run's creation and its first write.

The command's helpers that record the run's reports and read back its words (``on_start``,
``cli.reporting``) open the store again by its path: a deleted store was made again there,
empty, and the command ended "argument RUN_ID: no run ... (the store is empty)", exit 2 (a
usage error, the JUnit error's type ``usage_error``), a new empty store left at the path; a
store moved in over it (``mv``, a CI cache restored) lost its own runs to the dead run's
write-ahead log, read as the new file's.  A store that fails while its run goes on exits 4
(README's table)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

RUN = ["fairness", "--dataset", "german", "--max-queries", "300", "--seed", "3"]


def _after_creation(monkeypatch: pytest.MonkeyPatch, then: Any) -> list[str]:
    made: list[str] = []
    original = RunStore.create_run

    def create_then(self: RunStore, **kwargs: Any) -> None:
        original(self, **kwargs)
        made.append(kwargs["run_id"])
        then(self.path)

    monkeypatch.setattr(RunStore, "create_run", create_then)
    return made


def _run(store: Path, junit: Path) -> Any:
    register()
    return CliRunner().invoke(app, [*RUN, "--store", str(store), "--junit", str(junit)])


def test_a_store_deleted_before_the_runs_first_write_is_the_stores_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, junit = tmp_path / "st" / "s.db", tmp_path / "j.xml"
    made = _after_creation(monkeypatch, lambda path: shutil.rmtree(path.parent))
    result = _run(store, junit)
    assert result.exit_code == 4, result.output  # (was 2: "no run ... (the store is empty)")
    assert "deleted or replaced while the run went on" in result.output, result.output
    assert "the store is empty" not in result.output
    assert not store.exists()  # (was: a new empty store made at its path)
    text = junit.read_text()
    assert made[0] in text and 'type="store_error"' in text, text


def test_a_store_moved_in_before_the_runs_first_write_keeps_its_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, junit = tmp_path / "s.db", tmp_path / "j.xml"
    other = tmp_path / "cache" / "s.db"
    with RunStore(other) as cached:
        for run_id in ("fairness-a", "fairness-b"):
            cached.create_run(
                run_id=run_id, technique="fairness", seed=1, command="c", config={},
                model={}, versions={},
            )  # fmt: skip
            cached.checkpoint(run_id, status="completed", summary={})

    def moved_in(path: Path) -> None:
        shutil.copy(other, f"{path}.new")
        os.replace(f"{path}.new", path)

    _after_creation(monkeypatch, moved_in)
    result = _run(store, junit)
    assert result.exit_code == 4, result.output
    assert "deleted or replaced while the run went on" in result.output, result.output
    with RunStore(store, read_only=True) as kept:  # (was: the dead run alone)
        assert sorted(r.id for r in kept.list_runs()) == ["fairness-a", "fairness-b"]
