"""Rows of declared classes adding up to 2 (multi-hot ``[1, 1]``: several classes at once)
were accepted at loading and failed the run on its first batch (exit 3, a failed run
stored: hostile44t's Left 3).  Loading now refuses them before any run (exit 2), naming the
row and the input; one-hot rows, probabilities and logits load as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main
from assay.core.store import RunStore

CLASSIFIERS = """
import numpy as np

def _toxic(s):
    return "idiot" in s or "trash" in s

def twohot(batch):
    return [[1, 1] if _toxic(s) else [1, 0] for s in batch]
twohot.classes_ = ["clean", "toxic"]

def sigmoids(batch):
    return np.array([[0.9, 0.8] if _toxic(s) else [0.9, 0.1] for s in batch])
sigmoids.classes_ = ["clean", "toxic"]

def onehot(batch):
    return [[0, 1] if _toxic(s) else [1, 0] for s in batch]
onehot.classes_ = ["clean", "toxic"]

def logits(batch):
    return np.array([[0.0, 3.0] if _toxic(s) else [2.0, -1.0] for s in batch])
logits.classes_ = ["clean", "toxic"]

def labels(batch):
    return ["toxic" if _toxic(s) else "clean" for s in batch]
labels.classes_ = ["clean", "toxic"]
"""

GRAMMAR = 's -> "you are" x\nx -> "an idiot" | "trash" | "kind" | "a friend"\n'


def _run(tmp_path: Path, name: str) -> tuple[int, str, int]:
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    store = tmp_path / "r.db"
    with pytest.raises(SystemExit) as ended:
        main([
            "text", f"{tmp_path / 'c.py'}:{name}", f"{tmp_path / 'c.py'}:labels",
            "--grammar", str(tmp_path / "g.cfg"), "--max-queries", "200", "--seed", "1",
            "--store", str(store),
        ])  # fmt: skip
    runs = len(RunStore(store).list_runs()) if store.exists() else 0
    return int(ended.value.code or 0), "", runs


@pytest.mark.parametrize("name", ["twohot", "sigmoids"])
def test_rows_not_adding_up_to_one_are_refused_before_a_run(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, runs = _run(tmp_path, name)
    said = capsys.readouterr().err
    assert code == 2, said
    assert runs == 0  # no failed run stored
    assert "adds up to 2, not 1" in said or "adds up to 1.7, not 1" in said, said
    assert "for input" in said and "one probability per class adding up to 1" in said


@pytest.mark.parametrize("name", ["onehot", "logits"])
def test_one_hot_rows_and_logits_still_load(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, runs = _run(tmp_path, name)
    said = capsys.readouterr()
    assert code == 0, said.out + said.err
    assert runs == 1
