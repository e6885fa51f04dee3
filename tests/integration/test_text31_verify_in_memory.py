"""``assay verify`` of a text run of in-memory classifiers (``check_text([a, b], ...)``) had no
way at all: the command line cannot give objects, and its refusal pointed at
``assay.resume_run``, which resumes a run and verifies nothing.  ``assay.verify_run`` replays
a run's stored findings from Python, the classifiers given again; the command names it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.errors import UsageError

register()
runner = CliRunner()
GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'


def sound(batch: Sequence[str]) -> list[str]:
    return ["pos" if "good" in s else "neg" for s in batch]


def blind(batch: Sequence[str]) -> list[str]:  # wrong on tea
    return ["pos" if "good" in s and "tea" not in s else "neg" for s in batch]


def mended(batch: Sequence[str]) -> list[str]:  # blind, fixed
    return ["pos" if "good" in s else "neg" for s in batch]


sound.classes_ = blind.classes_ = mended.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_run_of_in_memory_classifiers_is_verified_from_python(tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    result = assay.check_text([sound, blind], grammar=GRAMMAR, max_queries=200, seed=1, store=store)
    assert result.n_findings >= 1
    still = assay.verify_run(result.run_id, store=store, model=[sound, blind])
    assert still.total >= 1 and still.still_failing == still.total and not still.skipped
    fixed = assay.verify_run(result.run_id, store=store, model=[sound, mended])
    assert fixed.total == still.total and fixed.still_failing == 0 and fixed.fixed == fixed.total
    with pytest.raises(UsageError, match="in-memory classifiers"):
        assay.verify_run(result.run_id, store=store)  # (none given: nothing to call)
    with pytest.raises(UsageError, match="no run store"):
        assay.verify_run(result.run_id, store=tmp_path / "nowhere.db", model=[sound, blind])
    said = runner.invoke(app, ["verify", result.run_id, "--store", str(store)])
    assert said.exit_code == 2, said.output
    flat = " ".join(said.output.split())
    assert "the command line has no way to give" in flat, flat
    assert f"assay.verify_run('{result.run_id}', store='{store}', model=[...])" in flat, flat
