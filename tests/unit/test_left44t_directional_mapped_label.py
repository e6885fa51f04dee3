"""``%directional ... down LABEL_1`` with a label map mapping ``LABEL_1`` to ``toxic`` was
refused listing the common labels only (hostile44t's Left 7): the refusal now says that
``LABEL_1`` is the classifier's own label and what the map maps it to."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main

CLASSIFIERS = """
def _p(s):
    return 0.9 if ("idiot" in s or "trash" in s) else 0.1

def lab(batch):
    return ["toxic" if _p(s) > 0.5 else "clean" for s in batch]
lab.classes_ = ["clean", "toxic"]

def pipe(batch):
    return [
        [{"label": "LABEL_1", "score": _p(s)}, {"label": "LABEL_0", "score": 1 - _p(s)}]
        for s in batch
    ]
"""

GRAMMAR = (
    's -> "you are" q insult\nq -> "" | "not"\ninsult -> "an idiot" | "trash" | "kind"\n'
    '%directional q: "" -> "not" down {}\n'
)


def _run(tmp_path: Path, label: str) -> int:
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR.format(label), encoding="utf-8")
    (tmp_path / "m.txt").write_text("2 LABEL_0 -> clean\n2 LABEL_1 -> toxic\n", encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main([
            "text", f"{tmp_path / 'c.py'}:lab", f"{tmp_path / 'c.py'}:pipe",
            "--grammar", str(tmp_path / "g.cfg"), "--oracle", "directional",
            "--label-map", str(tmp_path / "m.txt"), "--max-queries", "200", "--seed", "1",
            "--store", str(tmp_path / "r.db"),
        ])  # fmt: skip
    return int(ended.value.code or 0)


def test_a_classifiers_own_label_is_said_mapped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _run(tmp_path, "LABEL_1")
    said = capsys.readouterr().err
    assert code == 2, said
    assert "g.cfg:4:" in said  # (its line and column, as before)
    assert "'LABEL_1' is c.py:pipe's own label, which the label map maps to 'toxic'" in said
    assert "write 'toxic'" in said


def test_the_mapped_label_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(tmp_path, "toxic")
    said = capsys.readouterr()
    assert code in (0, 1), said.out + said.err
    assert "own label" not in said.err
