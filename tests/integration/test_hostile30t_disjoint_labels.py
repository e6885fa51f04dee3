"""Two classifiers answering labels by name, undeclared, in names that share nothing
(``"sport"``/``"money"`` against ``"1"``/``"0"``, ``POSITIVE`` against ``pos``) were compared
as strings: every sentence a "disagreement" (114 of the grammar's 114), exit 1, a report of
nothing but the naming.  Declared labels named differently were already refused; labels read
off the answers now are too, and a label map makes the run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.errors import UsageError
from assay.text.api import check_text

GRAMMAR = (
    'S -> "the" N "is about" T\nN -> "post" | "article" | "story"\n'
    'T -> "football" | "tennis" | "taxes" | "my salary"\n'
)


def words(batch: Sequence[str]) -> list[str]:
    return ["sport" if ("ball" in s or "tennis" in s) else "money" for s in batch]


def digits(batch: Sequence[str]) -> list[str]:
    return ["1" if ("ball" in s or "tennis" in s) else "0" for s in batch]


def lone(batch: Sequence[str]) -> list[str]:
    return ["other" for _ in batch]


def test_labels_answered_in_names_that_share_nothing_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"none in common.*label.map"):
        check_text(
            [words, digits], grammar=GRAMMAR, max_queries=300, seed=1,
            store=RunStore(tmp_path / "runs.db"),
        )  # fmt: skip
    assert RunStore(tmp_path / "runs.db").list_runs() == []


def test_with_a_label_map_they_are_compared_and_agree(tmp_path: Path) -> None:
    result = check_text(
        [words, digits], grammar=GRAMMAR, max_queries=300, seed=1,
        label_map={1: {"1": "sport", "0": "money"}}, store=RunStore(tmp_path / "runs.db"),
    )  # fmt: skip
    assert result.status == "completed" and result.n_findings == 0, result.headline


def test_a_classifier_answering_one_label_is_still_compared(tmp_path: Path) -> None:
    # (one label answered: a classifier that says the same of everything, a real disagreement)
    result = check_text(
        [words, lone], grammar=GRAMMAR, max_queries=300, seed=1,
        store=RunStore(tmp_path / "runs.db"),
    )  # fmt: skip
    assert result.n_findings > 0, result.headline
