"""mutation32: ``assay verify`` / ``assay.verify_run`` of a text run of in-memory classifiers
(text31) against the mutants its test let live (bench/RESULTS.md, mutation32's table): a run
partly in memory (one classifier by path, one object) is refused by the command line naming
``assay.verify_run`` (mutant VR1: refused only when every classifier was in memory, the
command then said to use ``assay.resume_run``); and ``verify_run`` given no classifiers names
itself, not ``assay.resume_run`` nor the command line (fixed here: it said "pass them again
... assay.resume_run(...); the command line has no way to give objects")."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

import assay
from assay.cli.app import app, register
from assay.core.store import RunStore
from assay.errors import UsageError

register()
GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup" | "cake"\nA -> "good" | "bad"\n'
SOUND = """
def sound(batch):
    return ["pos" if "good" in s else "neg" for s in batch]


sound.classes_ = ["neg", "pos"]
"""


def blind(batch: Sequence[str]) -> list[str]:  # wrong on tea
    return ["pos" if "good" in s and "tea" not in s else "neg" for s in batch]


blind.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_run_partly_in_memory_is_verified_from_python_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "clf.py").write_text(SOUND)
    store = tmp_path / "runs.db"
    models = [f"{tmp_path / 'clf.py'}:sound", blind]
    result = assay.check_text(models, grammar=GRAMMAR, max_queries=200, seed=1, store=store)
    assert result.n_findings >= 1
    said = CliRunner().invoke(app, ["verify", result.run_id, "--store", str(store)])
    flat = " ".join(said.output.split())
    assert said.exit_code == 2, flat
    assert f"assay.verify_run('{result.run_id}', store='{store}', model=[...])" in flat, flat
    with pytest.raises(UsageError) as info:
        assay.verify_run(result.run_id, store=store)
    message = " ".join(str(info.value).split())
    assert f"assay.verify_run('{result.run_id}', store='{store}', model=[...])" in message
    assert "resume_run" not in message and "command line" not in message, message
    closed: list[Path] = []
    close = RunStore.close

    def counted(self: RunStore) -> None:
        closed.append(self.path)
        close(self)

    monkeypatch.setattr(RunStore, "close", counted)
    again = assay.verify_run(result.run_id, store=store, model=models)
    assert again.total >= 1 and again.still_failing == again.total
    assert closed == [store]  # (the store it opened, closed: mutant VR4)
