"""A classifier that leaves empty sentences out of its answer (``[f(s) for s in batch if
s.strip()]``) was told "returned 1 answer for 2 inputs" without text42's hint that the batch
held an empty sentence (hostile44t's Left 6): the probe's refusal and a run's batch now say
it, and that the answers were as many fewer as the empty sentences."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assay.cli.app import main
from assay.core.model import Capabilities
from assay.errors import ModelError
from assay.models.checked import CheckedModel

CLASSIFIERS = """
def drops(batch):
    return ["toxic" if "stupid" in s else "clean" for s in batch if s.strip()]
drops.classes_ = ["clean", "toxic"]

def labels(batch):
    return ["toxic" if "stupid" in s else "clean" for s in batch]
labels.classes_ = ["clean", "toxic"]
"""

GRAMMAR = 's -> who adj\nwho -> "" | "she is"\nadj -> "" | "nice" | "stupid"\n'


def test_the_probe_refusal_says_the_empty_sentence_was_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main([
            "text", f"{tmp_path / 'c.py'}:drops", f"{tmp_path / 'c.py'}:labels",
            "--grammar", str(tmp_path / "g.cfg"), "--max-queries", "200", "--seed", "1",
            "--store", str(tmp_path / "r.db"),
        ])  # fmt: skip
    said = capsys.readouterr().err
    assert ended.value.code == 3, said
    assert "the batch held an empty sentence" in said, said
    assert "it seems to leave empty text out" in said, said


class _Drops:
    capabilities = Capabilities(
        modality="text", n_classes=2, outputs="proba", class_names=("clean", "toxic")
    )

    def predict(self, batch: list[str]) -> np.ndarray:
        return np.array([[0.9, 0.1] for s in batch if s.strip()])


def test_a_run_batch_says_it_too() -> None:
    model = CheckedModel(_Drops())  # type: ignore[arg-type]
    with pytest.raises(ModelError, match="it seems to leave empty text out"):
        model.predict(["she is nice", "", "she is"])
    assert model.predict(["she is nice", "she is"]).shape == (2, 2)


def test_no_hint_when_the_shortfall_is_not_the_empty_sentences() -> None:
    from assay.models.empty_text import dropped_text_hint

    assert dropped_text_hint(1, ["a", "b", ""]) == dropped_text_hint(3, ["a", "b", ""])
    assert "leave empty text out" in dropped_text_hint(2, ["a", "b", ""])
    assert dropped_text_hint(1, ["a", "b"]) == ""
