"""A grammar of one sentence, tested, said so in the singular ('the grammar's one sentence
was tested', ``text.summary._every``): bench/RESULTS.md, mutation33b (mutant TS2, 'every
one of the grammar's 1 sentences', survived ``test_text_whole_language.py``, whose one
sentence was blank: asked, never tested)."""

from __future__ import annotations

from pathlib import Path

from test_text_whole_language import Same

from assay.core.store import RunStore
from assay.text.api import check_text


def test_a_grammar_of_one_sentence_tested_is_said_in_the_singular(tmp_path: Path) -> None:
    (tmp_path / "g.txt").write_text('S -> "the food is good"\n')
    r = check_text(
        [Same(), Same()],
        grammar=str(tmp_path / "g.txt"),
        max_queries=50,
        seed=1,
        store=RunStore(tmp_path / "runs.db"),
    )
    headline = str(r.headline)
    assert "the grammar's one sentence was tested" in headline, headline
