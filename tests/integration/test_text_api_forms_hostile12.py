"""Text classifiers in a notebook: a run that finds nothing gives the same DataFrame columns
as one that finds something, so code written against one works on the other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assay

pytestmark = pytest.mark.slow

GRAMMAR = """
S -> NAME ' ' VERB ' the soup'
NAME -> 'Anna' | 'Bob'
VERB -> 'loved' | 'hated' | 'did not like'
"""


def _loved(sentences: list[str]) -> np.ndarray:
    return np.array(["pos" if "loved" in s else "neg" for s in sentences])


def _liked(sentences: list[str]) -> np.ndarray:
    return np.array(["pos" if "loved" in s or "like" in s else "neg" for s in sentences])


def _loved_too(sentences: list[str]) -> np.ndarray:  # another classifier, the same answers
    return _loved(sentences)


_loved.classes_ = _liked.classes_ = _loved_too.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_an_empty_findings_frame_has_the_columns_of_a_full_one(tmp_path: Path) -> None:
    grammar = tmp_path / "g.cfg"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    store = tmp_path / "s.db"
    found = assay.check_text(
        [_loved, _liked], grammar=grammar, max_queries=100, seed=1, store=store
    )
    quiet = assay.check_text(
        [_loved, _loved_too], grammar=grammar, max_queries=100, seed=1, store=store
    )
    full, empty = found.findings(), quiet.findings()
    assert len(full) > 0 and len(empty) == 0  # the planted disagreement is found, not the other
    assert list(empty.columns)[:9] == list(full.columns)[:9]  # the columns of every run
    assert "times_found" in empty.columns and "minimal" in empty.columns
    assert [c for c in empty.columns if ":" in c] == [
        "_loved: neg",
        "_loved: pos",
        "_loved_too: neg",
        "_loved_too: pos",
    ]


def test_a_grammar_given_as_text_is_read_as_one(tmp_path: Path) -> None:
    kw: dict[str, Any] = {"max_queries": 100, "seed": 1, "store": tmp_path / "s.db"}
    grammar = tmp_path / "g.cfg"
    grammar.write_text(GRAMMAR, encoding="utf-8")
    from_file = assay.check_text([_loved, _liked], grammar=grammar, **kw)
    from_text = assay.check_text([_loved, _liked], grammar=GRAMMAR, **kw)
    assert from_text.n_findings == from_file.n_findings > 0
    assert list(from_text.findings()["minimal"]) == list(from_file.findings()["minimal"])


def test_a_grammar_file_that_does_not_exist_is_named_once(tmp_path: Path) -> None:
    with pytest.raises(assay.UsageError) as err:
        assay.check_text([_loved, _liked], grammar="no/such.cfg", store=tmp_path / "s.db")
    assert str(err.value).count("no/such.cfg") <= 2 and "no such grammar file" in str(err.value)


def test_a_scorer_is_told_a_fix_that_works(tmp_path: Path) -> None:
    """One score per sentence: declaring ``classes_`` alone (the advice it got) made it a
    'non-integer label' model error; the advice is probabilities, which then run."""

    def score(sentences: list[str]) -> np.ndarray:
        return np.array([0.9 if "loved" in s else 0.1 for s in sentences])

    kw: dict[str, Any] = {"grammar": GRAMMAR, "max_queries": 100, "store": tmp_path / "s.db"}
    with pytest.raises(assay.UsageError, match="column_stack") as err:
        assay.check_text([score, _liked], **kw)
    assert "column_stack" in str(err.value)

    def fixed(sentences: list[str]) -> np.ndarray:
        p = score(sentences)
        out: np.ndarray = np.column_stack([1 - p, p])
        return out

    fixed.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    assert assay.check_text([fixed, _liked], **kw).n_findings > 0
