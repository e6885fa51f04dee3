"""hostile28's label bounds, where its tests did not look (each test kills a hand-made
mutant): a batch of labels answered as a tuple is read without an array of the longest
one's width, and a classifier's huge label is refused wherever it stands among its labels."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.callable import NamedLabelsModel

register()

BIG = "P" * (2 << 20)


def test_a_tuple_of_labels_with_a_huge_one_is_refused_without_an_array_of_its_width() -> None:
    def answer(texts: list[str]) -> tuple[str, ...]:
        return tuple(BIG if i == 30 else "pos" for i in range(len(texts)))

    caps = Capabilities(modality="text", n_classes=2, outputs="labels", class_names=("neg", "pos"))
    model = NamedLabelsModel(answer, caps, ("neg", "pos"), from_answers=True)
    tracemalloc.start()
    try:
        with pytest.raises(ModelError, match="a label of 2,097,152 characters for input 30"):
            model.predict([f"sentence {i}" for i in range(60)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20, peak


def test_a_huge_label_after_a_short_one_is_refused_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(
        "BIG = 'z' * 20000\n"  # (after 'neg' in every order the labels are read in)
        "def a(xs):\n    return [BIG if 'good' in x else 'neg' for x in xs]\n"
        "a.classes_ = ['neg', BIG]\n"
        "def b(xs):\n    return ['neg' for x in xs]\n",
        encoding="utf-8",
    )
    args = [
        "text", f"{tmp_path}/clf.py:a", f"{tmp_path}/clf.py:b", "--grammar", "builtin:reviews",
        "--max-queries", "300", "--store", str(tmp_path / "runs.db"),
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "clf.py:a has a label of 20,000 characters" in result.output
    assert not (tmp_path / "runs.db").exists() or "run text-" not in result.output
