"""left26: a classifier that answers a label alone (a Hugging Face pipeline's top label
``{'label': 'negative', 'score': 0.9}``, a function answering names) is compared as one-hot;
the first failing sentences showed ``(1.00)`` beside its label, a confidence it never gave.
Such a label has no number now; a classifier answering scores keeps its own."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from assay.cli.app import app, register
from assay.core.store import RunStore

register()
runner = CliRunner()

CLASSIFIERS = """
def top_label(texts):
    return [{"label": "negative" if "bad" in t else "positive", "score": 0.9} for t in texts]
top_label.classes_ = ["negative", "neutral", "positive"]
"""


def test_a_label_answered_alone_is_shown_without_a_confidence(tmp_path: Path) -> None:
    (tmp_path / "clf.py").write_text(CLASSIFIERS)
    store = tmp_path / "runs.db"
    result = runner.invoke(
        app,
        ["text", "builtin:vader", f"{tmp_path / 'clf.py'}:top_label", "--grammar",
         "builtin:reviews", "--max-queries", "400", "--seed", "1", "--store", str(store)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if "clf.py:top_label: " in ln]
    assert lines, result.output
    for line in lines:
        # VADER's own probability stays; the pipeline's top label has no number
        assert re.search(r"vader: \w+ \(\d\.\d\d\)", line), line
        assert re.search(r"clf\.py:top_label: \w+(;|\])", line), line
        assert "(1.00)" not in line.split("clf.py:top_label:")[1], line
    (run,) = RunStore(store).list_runs()
    outputs = [o for r in run.summary["text"]["minimal"] for o in r["outputs"]]
    assert all(("probability" in o) is (o["classifier"] == "vader") for o in outputs), json.dumps(
        outputs[:4]
    )
