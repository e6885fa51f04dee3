"""A backdoor run made from Python says the strategies and options its headline names in the
caller's keywords, in the result object and in its reports (hostile50): every default scan
without a second opinion said "not blended or image-wide triggers: --strategy strip looks at
those" to a notebook, and a STRIP scan's caveat "if the clean images (--clean) hold poisoned
ones ... or use --strategy assay", where ``check_backdoor`` takes ``strategy="strip"`` and
``clean=``; the report of such a run gave the Python call to rerun beside the command
line's option."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.core.callers_prose import in_callers_terms
from assay.core.store import RunStore
from assay.report.document import build_document

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

PYTHON = "assay.check_backdoor(<f>, images=..., seed=0)"


def bright(images: np.ndarray) -> np.ndarray:
    """Two classes by brightness (no trigger: the words are what is tested here)."""
    x = np.asarray(images, dtype=float).reshape(len(images), -1).mean(axis=1)
    p = 1.0 / (1.0 + np.exp(-(x - 0.5) * 8))
    return np.stack([1 - p, p], axis=1)


def test_a_python_runs_headline_names_the_strategy_as_a_keyword(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    images, clean = rng.uniform(0, 1, size=(30, 8, 8)), rng.uniform(0, 1, size=(30, 8, 8))
    db = tmp_path / "b.db"
    result = assay.check_backdoor(
        bright, images=images, clean=clean, seed=0, store=db, second_opinion=False
    )
    said = result.headline
    assert "image-wide triggers" in said, said  # (the sentence this test is about)
    assert "--" not in said and "--" not in repr(result), said
    assert 'strategy="strip" looks at those' in said, said
    with RunStore(db) as store:
        doc = build_document(store, result.run_id)
    assert "--" not in doc["headline"] and doc["headline"] in said


@pytest.mark.parametrize(
    ("cli", "python"),
    [
        (
            "if the clean images (--clean) hold poisoned ones, ... or use --strategy assay; ",
            'if the clean images (clean) hold poisoned ones, ... or use strategy="assay"; ',
        ),
        ("they are not located (--strategy strip scores each image)", None),
        ("raise --blends or --fpr, give more varied clean images (--clean)", None),
        ("the walk (--strategy walk or random) and --oracle suite", None),
    ],
)
def test_stored_prose_is_worded_in_keywords_for_a_python_run_alone(
    cli: str, python: str | None
) -> None:
    worded = in_callers_terms(cli, PYTHON)
    assert "--" not in worded, worded
    if python is not None:
        assert worded == python
    assert in_callers_terms(cli, "assay backdoor m.onnx --images x") == cli  # the CLI's own
