"""``assay runs`` on a CI job's store says how many runs it holds and how to prune them.

A store written by 5,000 CI jobs (244 MB) listed its newest 20 runs and nothing else: that
the store held 4,980 more, took 244 MB, and that ``assay prune --keep-last N`` deletes the
older ones, was said nowhere a CI user looks.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore


def _store(path: Path, n: int) -> None:
    with RunStore(path) as store:
        for i in range(n):
            store.create_run(
                run_id=f"fairness-2026120{i}-000000-0000", technique="fairness", seed=i,
                command="assay fairness m.py:f", config={}, model={"spec": "m.py:f"},
                versions={},
            )  # fmt: skip
            store.checkpoint(f"fairness-2026120{i}-000000-0000", status="completed")


def test_a_store_holding_more_runs_than_listed_says_so_and_how_to_prune(tmp_path: Path) -> None:
    register()
    path = tmp_path / "ci runs.db"
    _store(path, 3)
    result = CliRunner().invoke(app, ["runs", "--store", str(path), "--limit", "2"])
    assert result.exit_code == 0, result.output
    said = result.output.splitlines()[-1]
    assert said.startswith("2 of 3 runs shown (--limit N shows more); the store takes ")
    assert f"prune --keep-last N --store '{path}'" in said  # pasteable: the space quoted


def test_a_store_listed_whole_says_nothing_more(tmp_path: Path) -> None:
    register()
    _store(tmp_path / "runs.db", 2)
    result = CliRunner().invoke(app, ["runs", "--store", str(tmp_path / "runs.db")])
    assert result.exit_code == 0, result.output
    assert "runs shown" not in result.output and len(result.output.splitlines()) == 2
