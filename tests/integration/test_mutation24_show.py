"""``assay show`` says the notes a run printed (mutation24): each note of a fairness run once,
as the run wrote it, and a text run's warnings too (its grammar's were not said)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from ci22_in_process import assay_here

_FAIR_MODEL = """
import numpy as np

def predict(rows):
    rows = np.asarray(rows, dtype=float)
    return ((rows[:, 0] > 40) & (rows[:, 2] == 1)).astype(int)
"""

_TEXT_MODELS = """
import itertools

_turn = itertools.count()

def steady(texts):
    return ["pos" if "good" in t else "neg" for t in texts]

def moody(texts):  # answers the same sentence otherwise from one call to the next
    flip = next(_turn) % 2
    return [("pos" if "good" in t else "neg") if flip else "neg" for t in texts]
"""


def _run_id(capsys: pytest.CaptureFixture[str], store: Path) -> str:
    listed = assay_here(capsys, "runs", "--store", str(store), "--json")
    return str(json.loads(listed.stdout)["runs"][0]["id"])


def _notes(text: str) -> list[str]:
    # (a fairness run says what makes its figures less trustworthy as a warning: fair32)
    return [line for line in text.splitlines() if line.startswith(("note: ", "warning: "))]


def test_show_says_each_note_of_a_fairness_run_once_as_the_run_wrote_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "m.py").write_text(_FAIR_MODEL)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, 400),
            "hours": rng.integers(1, 80, 400).astype(float),
            "sex": rng.integers(0, 2, 400),
        }
    )
    frame.loc[rng.choice(400, 37, replace=False), "hours"] = np.nan
    frame.to_csv(tmp_path / "d.csv", index=False)
    store = tmp_path / "runs.db"
    ran = assay_here(
        capsys,
        "fairness",
        f"{tmp_path / 'm.py'}:predict",
        *("--data", str(tmp_path / "d.csv"), "--protected", "sex", "--missing", "drop"),
        *("--max-queries", "1000", "--seed", "1", "--store", str(store)),
    )
    assert ran.returncode == 1, ran
    setup_notes = [n for n in _notes(ran.stderr) if "fed to it" in n or "set aside" in n]
    assert len(setup_notes) == 2, ran.stderr
    shown = assay_here(capsys, "show", _run_id(capsys, store), "--store", str(store))
    for note in setup_notes:
        assert _notes(shown.stdout + shown.stderr).count(note) == 1, (note, shown)


def test_show_says_a_text_runs_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "models.py").write_text(_TEXT_MODELS)
    grammar = 'S -> "the food is" A\nA -> " good" | " bad" | " fine"\nX -> "never"\n'
    (tmp_path / "g.txt").write_text(grammar)
    store = tmp_path / "runs.db"
    models = [f"{tmp_path / 'models.py'}:{name}" for name in ("steady", "moody")]
    ran = assay_here(
        capsys,
        "text",
        *models,
        *("--grammar", str(tmp_path / "g.txt"), "--max-queries", "200", "--seed", "1"),
        *("--store", str(store)),
    )
    assert "not deterministic" in ran.stdout + ran.stderr, ran
    shown = assay_here(capsys, "show", _run_id(capsys, store), "--store", str(store))
    assert any("not deterministic" in n for n in _notes(shown.stdout + shown.stderr)), shown
    # the grammar's warning, printed by the run, was not said by show
    assert "symbol 'X' is unreachable from 'S'" in ran.stderr, ran
    unreachable = [n for n in _notes(shown.stdout + shown.stderr) if "'X' is unreachable" in n]
    assert len(unreachable) == 1, shown
