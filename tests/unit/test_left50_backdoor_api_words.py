"""A backdoor scan made from Python names ``check_backdoor``'s arguments in its advice, not the
command line's options (left49h's Left 2): its headline said "give clean images of several
classes (--clean)" and "--strategy strip looks at those"; the report of the run says the
caller's words too, and a run made on the command line keeps its options."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assay
from assay.core.callers_prose import in_callers_terms
from assay.core.store import RunStore
from assay.report.document import build_document

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")


def one_class(x: np.ndarray) -> np.ndarray:
    """Puts every image in class 0 of 3: the scan cannot use the clean images given."""
    out = np.zeros((len(x), 3), "float32")
    out[:, 0] = 1
    return out


def test_an_api_backdoor_headline_names_the_calls_arguments(tmp_path: Path) -> None:
    images = np.random.default_rng(0).random((40, 8, 8)).astype("float32")
    db = tmp_path / "b.db"
    r = assay.check_backdoor(one_class, images=images[20:], clean=images[:20], store=db, seed=1)
    said = r.headline
    assert "give clean images of several classes (clean)" in said, said
    assert 'strategy="strip" looks at those' in said, said
    assert "input_shape, layout, value_range" in said, said
    assert "--" not in said, said
    with RunStore(db) as store:
        doc = build_document(store, r.run_id)
    assert doc["headline"] == said  # the report of the run says it alike


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (
            "assay.check_backdoor(model, ...)",
            'several classes (clean); strategy="strip" looks (input_shape, layout, value_range)',
        ),
        (
            "assay backdoor m.onnx --images a.npy",
            "several classes (--clean); --strategy strip looks (--input-shape, --layout, --range)",
        ),
        (  # (another technique's run: its own keywords only; fairness has a strategy too)
            "assay.check_fairness(model, ...)",
            'several classes (--clean); strategy="strip" looks (--input-shape, --layout, --range)',
        ),
    ],
)
def test_the_options_are_said_in_the_callers_terms(command: str, said: str) -> None:
    text = "several classes (--clean); --strategy strip looks (--input-shape, --layout, --range)"
    assert in_callers_terms(text, command) == said
