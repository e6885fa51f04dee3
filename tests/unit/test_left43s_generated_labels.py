"""A text "classifier" answering each probe sentence a long text of its own is refused.

An LLM answering "positive because ..." with ~5 KB of generated text: its 64 probe answers
became 65 labels, stored four times (3.4 MB of store, a 2 MB JSON report) for a run that
then failed (exit 3) at its first answer outside them.  Labels that are all different long
texts are not class labels: refused at loading (exit 2), before any run is made.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.label_length import GENERATED_LENGTH, check_labels_not_texts
from assay.errors import UsageError

_LLM = """
def predict(texts):
    return [("positive " if "good" in t else "negative ") + f"because {t!r} " + "x" * 5000
            for t in texts]
"""


def test_a_label_of_its_own_for_each_sentence_long_is_refused() -> None:
    said = [f"positive because {i} " + "x" * GENERATED_LENGTH for i in range(64)]
    with pytest.raises(UsageError, match=r"64 different labels.*not class labels"):
        check_labels_not_texts("llm.py:predict", 64, said)


def test_classes_short_or_repeated_are_kept() -> None:
    check_labels_not_texts("intents", 64, [f"intent_{i}" for i in range(64)])  # many classes
    long = ["positive: " + "p" * 200, "negative: " + "n" * 200]
    check_labels_not_texts("verbose", 64, [long[i % 2] for i in range(64)])  # two, long
    check_labels_not_texts("few", 5, ["x" * 200 + str(i) for i in range(5)])  # too few


def test_a_text_run_of_a_generating_function_is_refused_before_any_store(tmp_path: Path) -> None:
    (tmp_path / "llm.py").write_text(_LLM)
    register()
    result = CliRunner().invoke(
        app,
        [
            "text", f"{tmp_path / 'llm.py'}:predict", "--grammar", "builtin:names",
            "--oracle", "invariance", "--store", str(tmp_path / "r.db"),
        ],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "not class labels" in result.output
    assert not (tmp_path / "r.db").exists()
