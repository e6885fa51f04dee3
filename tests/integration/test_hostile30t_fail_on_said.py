"""A text run whose every finding is below ``--fail-on`` printed "N disagreements found ..."
and exited 0 without a word on why: the log of a CI job read as a failure that passed.  The
command now says that none is at or above ``--fail-on``, the most severe, and that they are
stored."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register

register()
CLASSIFIERS = (
    "import numpy as np\n"
    "def labels(batch):\n    return ['pos' if 'good' in s else 'neg' for s in batch]\n"
    "labels.classes_ = ['neg', 'pos']\n"
    "def unsure(batch):\n"
    "    return np.array([[0.45, 0.55] if 'tea' in s else [0.2, 0.8] if 'good' in s else "
    "[0.8, 0.2] for s in batch])\n"
    "unsure.classes_ = ['neg', 'pos']\n"
)
GRAMMAR = 'S -> "the" N "is" A\nN -> "food" | "tea" | "soup"\nA -> "good" | "bad" | "fine"\n'


def _run(tmp_path: Path, fail_on: str) -> tuple[int, str]:
    (tmp_path / "clf.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "text", f"{tmp_path}/clf.py:labels", f"{tmp_path}/clf.py:unsure",
            "--grammar", str(tmp_path / "g.cfg"), "--max-queries", "200",
            "--store", str(tmp_path / "runs.db"), "--fail-on", fail_on, "--seed", "1",
        ],
    )  # fmt: skip
    return result.exit_code, result.output


def test_findings_all_below_fail_on_are_said_to_pass(tmp_path: Path) -> None:
    code, said = _run(tmp_path, "0.9")
    assert code == 0, said
    assert "none of the" in said and "is at or above --fail-on 0.9" in said, said
    assert "the most severe: 0.55" in said, said


def test_findings_at_or_above_fail_on_fail_as_before(tmp_path: Path) -> None:
    code, said = _run(tmp_path, "0.5")
    assert code == 1, said
    assert "is at or above --fail-on" not in said, said
