"""The pipeline answers refused at loading, through the CLI (mutation45b): mutation45's
tests called ``models.pipeline_answers`` itself, so a loading path that no longer asked it
(PA10: a function of no declared classes answering one label; PA12: a function declaring
its classes and answering independent scores) survived.  Taken, the one output's label
reads as the classifier's answer to every sentence, and a multi-label model's scores as
one class per sentence (hostile44t): each is refused, exit 2, naming what it answered."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main

CLASSIFIERS = """
def one_output(batch):
    # a sigmoid's pipeline: its one label named whatever the score
    return [{"label": "LABEL_0", "score": 0.9 if "bad" in s else 0.1} for s in batch]

def multi_label(batch):
    return [[{"label": "toxic", "score": 0.9}, {"label": "insult", "score": 0.4}]
            for s in batch]
multi_label.classes_ = ["toxic", "insult"]
"""

GRAMMAR = 's -> "the food was" adj\nadj -> "good" | "bad" | "fine"\n%invariant adj\n'


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("one_output", "answered one label, 'LABEL_0', to every one of the"),
        ("multi_label", "whose scores add up to more than 1 (1.30 for input 0"),
    ],
)
def test_a_pipelines_answer_of_no_classes_is_refused_at_loading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, said: str
) -> None:
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main([
            "text", f"{tmp_path / 'c.py'}:{name}", "--grammar", str(tmp_path / "g.cfg"),
            "--oracle", "invariance", "--max-queries", "100", "--seed", "1",
            "--store", str(tmp_path / "r.db"),
        ])  # fmt: skip
    got = capsys.readouterr()
    out = " ".join((got.out + got.err).split())
    assert int(ended.value.code or 0) == 2, out
    assert said in out, out
