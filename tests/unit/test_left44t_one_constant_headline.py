"""An invariance run of two classifiers, one constant, headlined "NOTHING WAS TESTED" though
the other was tested (hostile44t's Left 8): not everything was tested (exit 2 still), and
the headline says so; two constant classifiers still tested nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main

CLASSIFIERS = """
def constant(batch):
    return ["clean" for s in batch]
constant.classes_ = ["clean", "toxic"]

def lab(batch):
    return ["toxic" if "stupid" in s else "clean" for s in batch]
lab.classes_ = ["clean", "toxic"]
"""

GRAMMAR = (
    's -> "the" who "guy is" adj\nwho -> "gay" | "tall" | "muslim"\n'
    'adj -> "nice" | "stupid" | "kind"\n%invariant who\n'
)


def _run(tmp_path: Path, capsys: pytest.CaptureFixture[str], a: str, b: str) -> tuple[int, str]:
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main([
            "text", f"{tmp_path / 'c.py'}:{a}", f"{tmp_path / 'c.py'}:{b}",
            "--grammar", str(tmp_path / "g.cfg"), "--oracle", "invariance",
            "--max-queries", "300", "--seed", "1", "--store", str(tmp_path / "r.db"),
        ])  # fmt: skip
    said = capsys.readouterr()
    return int(ended.value.code or 0), said.out + said.err


def test_one_constant_classifier_of_two_is_not_everything_tested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = _run(tmp_path, capsys, "constant", "lab")
    assert code == 2, said
    assert "NOT EVERYTHING WAS TESTED: c.py:constant gave the same answer" in said, said
    assert "NOTHING WAS TESTED" not in said


def test_two_constant_classifiers_tested_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, said = _run(tmp_path, capsys, "constant", "constant")
    assert code == 2, said
    assert "nothing was tested" in said.lower() and "not everything" not in said.lower()
