"""A text classifier answering a label of megabytes (an LLM's whole answer, or a hostile
endpoint's): the labels of a batch were made a NumPy array, whose strings all take the
longest one's width (one 20 MB label in a batch of 68: 5.3 GiB), and a label learned at
loading was repeated in every finding (22 GB in 1,600 queries, then the out-of-memory
killer).  A label is read as it is, and one longer than 10,000 characters is refused,
named by its length, never printed whole."""

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
runner = CliRunner()

BIG = "P" * (2 << 20)  # 2 MB: in a batch of 60, 480 MB as one fixed-width array


def test_a_huge_label_in_a_batch_is_refused_without_an_array_of_its_width() -> None:
    def answer(texts: list[str]) -> list[str]:
        return [BIG if i == 30 else "pos" for i in range(len(texts))]

    caps = Capabilities(modality="text", n_classes=2, outputs="labels", class_names=("neg", "pos"))
    model = NamedLabelsModel(answer, caps, ("neg", "pos"), from_answers=True)
    tracemalloc.start()
    try:
        with pytest.raises(ModelError) as info:
            model.predict([f"sentence {i}" for i in range(60)])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20, peak
    message = str(info.value)
    assert "a label of 2,097,152 characters for input 30" in message
    assert len(message) < 1000


def test_labels_by_name_still_read_as_indices() -> None:
    caps = Capabilities(modality="text", n_classes=2, outputs="labels", class_names=("neg", "pos"))
    model = NamedLabelsModel(
        lambda texts: ["pos" if "good" in t else "neg" for t in texts], caps, ("neg", "pos")
    )
    assert model.predict(["good", "bad", "good"]).tolist() == [1, 0, 1]


def test_a_classifier_with_a_huge_label_is_refused_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(
        "BIG = 'P' * 20000\n"
        "def a(xs):\n    return [BIG if 'good' in x else 'neg' for x in xs]\n"
        "def b(xs):\n    return ['neg' for x in xs]\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "text",
            f"{tmp_path}/clf.py:a",
            f"{tmp_path}/clf.py:b",
            "--grammar",
            "builtin:reviews",
            "--max-queries",
            "300",
            "--store",
            str(tmp_path / "runs.db"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "clf.py:a has a label of 20,000 characters" in result.output
    assert len(result.output) < 3000
