"""hostile43f: a credit grade model of three outcomes, ``A``/``B``/``C``: no name says which
is favourable, so the last, ``C`` (perhaps the worst grade), was taken.  The command line says
so under its lines; a notebook never did: ``result.notes``, ``warnings`` and the Jupyter view
were silent while ``result.direction`` read ``F`` as favoured ("gets 'C'").  The guess is now
among the notes, in the caller's keywords."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import assay


def _run(tmp_path: Path, classes: tuple[str, ...], **options: object) -> assay.FairnessResult:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"sex": rng.integers(0, 2, 300), "income": rng.integers(0, 9, 300)})
    score = frame["income"] + 3 * frame["sex"]
    label = np.select([score > 7, score > 4], classes[:2], classes[-1])
    model = DecisionTreeClassifier(max_depth=4).fit(frame, label)
    return assay.check_fairness(
        model, frame, protected="sex", max_queries=300, seed=1, store=tmp_path / "s", **options
    )


def test_a_guessed_favourable_class_is_among_a_notebooks_notes(tmp_path: Path) -> None:
    result = _run(tmp_path, ("A", "B", "C"))
    said = [n for n in result.notes if n.startswith("Favourable outcome inferred")]
    assert len(said) == 1 and "'C'" in said[0] and "favourable=CLASS" in said[0]
    assert "--favourable" not in said[0]
    assert said[0] in result._repr_html_().replace("&#x27;", "'")


def test_a_named_or_read_favourable_class_is_no_note(tmp_path: Path) -> None:
    assert not [
        n for n in _run(tmp_path, ("A", "B", "C"), favourable="A").notes if "avourable" in n
    ]
    read = _run(tmp_path, ("approved", "review", "denied")).notes
    assert not [n for n in read if "avourable" in n]
