"""mutation47: ``assay text``'s exhaustive warning as the command says it (left46t), each
assertion a surviving mutant's: a run given no --max-queries warns over the default budget,
and the determinism checks' share is taken only when they are made."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_hostile44t_exhaustive_reach import GRAMMAR

from assay.cli.app import main

# classifiers that stop answering once the search is under way: the warning is said at
# loading, before it, and the run need not spend its budget
CLASSIFIERS = """
ASKED = [0]

def clean(batch):
    ASKED[0] += len(batch)
    if ASKED[0] > 400:
        raise RuntimeError("stopped on purpose")
    return ["toxic" if "f1" in s.split() else "clean" for s in batch]
clean.classes_ = ["clean", "toxic"]

def other(batch):
    return ["toxic" if "f1" in s.split() else "clean" for s in batch]
other.classes_ = ["clean", "toxic"]
"""


def _warned(tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    with pytest.raises(SystemExit):
        main([
            "text", f"{tmp_path / 'c.py'}:clean", f"{tmp_path / 'c.py'}:other",
            "--grammar", str(tmp_path / "g.cfg"), "--strategy", "exhaustive",
            "--seed", "1", "--store", str(tmp_path / "r.db"), *extra,
        ])  # fmt: skip
    said = capsys.readouterr()
    return " ".join((said.out + said.err).split())


def test_a_run_given_no_budget_is_warned_over_the_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    said = _warned(tmp_path, capsys)
    assert "warning: --strategy exhaustive asks the grammar's 1,000,000 derivations" in said
    assert "--max-queries 20,000 leaves the search" in said, said


def _share(said: str) -> int:
    found = re.search(r"leaves the search ([\d,]+) queries", said)
    assert found is not None, said
    return int(found[1].replace(",", ""))


def test_the_checks_share_is_taken_only_when_they_are_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checked = _share(_warned(tmp_path / "a", capsys, "--max-queries", "2000"))
    unchecked = _share(
        _warned(tmp_path / "b", capsys, "--max-queries", "2000", "--no-determinism-check")
    )
    assert unchecked - checked == 128, (checked, unchecked)  # (2 x 32 probes, 64 re-asked)
