"""A text run its classifier failed (exit 3) says "once the problem is fixed, continue with:
assay resume RUN ..." and "if the fix changes clf.py, the resume refuses it as another model:
add --force to keep this run's findings with the fixed one" (hostile32's line, printed for
text classifiers too).  Pasted with ``--force`` after fixing the file, the resume still
refused: "the classifier 1 (clf.py:f) file ... changed ...; the stored search state no
longer fits it. Start a new run" (hostile50): ``--force`` let a changed model through, never
a changed classifier, so the printed advice failed as printed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register

register()
BROKEN = (
    "def f(sentences):\n"
    "    out = []\n"
    "    for s in sentences:\n"
    "        if s.startswith('the soup was not o'):\n"
    "            raise ValueError('a bug in the classifier')\n"
    "        out.append('negative' if 'pizza' in s else 'positive')\n"
    "    return out\n"
)
GRAMMAR = """\
%start review
review -> "the" thing "was" neg quality "."
thing -> "food" | "pizza" | "soup" | "service" | "tea" | "cake" | "bread" | "wine" | "rice"
       | "fish" | "salad" | "steak" | "pie" | "beer" | "juice" | "curry" | "pasta" | "stew"
neg -> "" | "not"
quality -> "good" | "great" | "bad" | "awful" | "okay"
%invariant thing
"""


def test_a_fixed_classifier_file_is_resumed_with_force_as_the_run_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSAY_TEXT_WORKER", "inline")
    clf = tmp_path / "clf.py"
    clf.write_text(BROKEN, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(
        app,
        [
            "text", f"{clf}:f", "--grammar", str(tmp_path / "g.cfg"), "--oracle", "invariance",
            "--seed", "0", "--no-determinism-check", "--store", str(tmp_path / "runs.db"),
        ],
    )  # fmt: skip
    said = " ".join(first.output.split())
    assert first.exit_code == 3, said
    line = re.search(r"continue with: (assay resume \S+ --store \S+)", said)
    assert line, said
    assert "clf.py" in said and "add --force" in said, said
    clf.write_text(BROKEN.replace("raise ValueError('a bug in the classifier')", "pass"))
    pasted = shlex.split(line.group(1))[1:]
    refused = runner.invoke(app, pasted)
    assert refused.exit_code == 2 and "--force" in refused.output, refused.output
    # the refusal's way forward, not "a resume keeps this run's options: fix the problem in
    # a new run" beside it (the run's options are not what was refused)
    assert "a resume keeps this run's options" not in refused.output, refused.output
    assert "continue with: assay resume" in " ".join(refused.output.split()), refused.output
    resumed = runner.invoke(app, [*pasted, "--force"])
    shown = " ".join(resumed.output.split())
    assert "was not resumed" not in shown, shown
    assert resumed.exit_code == 1, shown  # the fixed classifier's pizza bias found
    assert "continuing with the new" in shown, shown  # (said, not silent)
