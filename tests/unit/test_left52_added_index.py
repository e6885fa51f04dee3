"""mutation51's L5: a resume's added label-map lines naming a further index of a classifier
answering indices (its first map named ``0`` and ``1``; its answer ``2`` stopped the run)
name that class too: the resumed run takes the classifier's three classes.  Under the
mutant (the added map's labels not added before loading) the classifier kept its two
classes and the resume failed again at its ``2``.  The first run's failure said "declared by
--classes 2 ... or by the model itself" (text has no --classes): it says the map named them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from test_left50b_index_labels import _good, _grammar, _inline, named  # noqa: F401  (_inline: autouse)

import assay
from assay.errors import ModelError

pytestmark = pytest.mark.filterwarnings("ignore::assay.AssayWarning")

CALLS = [0]


def later_two(sentences: Sequence[str]) -> list[int]:
    """Indices 0/1; from its 4th call on, 2 for sentences about pizza."""
    CALLS[0] += 1
    late = CALLS[0] > 3
    return [2 if late and "pizza" in s else int(_good(s)) for s in sentences]


def test_a_resume_s_added_lines_name_a_further_index(tmp_path: Path) -> None:
    CALLS[0] = 0
    store = tmp_path / "t.db"
    first = {1: {"0": "negative", "1": "positive"}}
    with pytest.raises(ModelError) as failed:
        assay.check_text(
            [named, later_two], grammar=_grammar(tmp_path), label_map=first, seed=0,
            max_queries=600, store=store,
        )  # fmt: skip
    # (text has no --classes: the map named the classes, and a resume adds its lines)
    said = str(failed.value)
    assert "outside the 2 declared classes" in said and "--classes" not in said, said
    assert "(classes 0 to 1, named by the label map; if it answers more, name each" in said
    assert "assay.resume_run(" in said, said
    runs = assay.RunStore(store).list_runs()
    run_id = runs[0].id
    resumed = assay.resume_run(
        run_id, store=store, model=[named, later_two], label_map={1: {"2": "negative"}}
    )
    # (the mutant: "classifier later_two has no label '2'; its labels are 0, 1")
    assert resumed.status == "completed", resumed.headline
