"""``check_text(..., label_map={...})``: a label map given as Python data was not checked at
all.  ``{2: {...}}`` for the second of two classifiers (counted from 1, as a label map file
counts them) or a misspelt label mapped nothing, silently, and the run went on as if
unmapped.  It is now checked as a file is: an unknown classifier or label is a usage error
naming it; a classifier may also be given by its name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from assay.core.store import RunStore
from assay.errors import UsageError
from assay.text.api import check_text

GRAMMAR = 'S -> "the post is about" T\nT -> "football" | "tennis" | "taxes" | "my salary"\n'


def words(batch: Sequence[str]) -> list[str]:
    return ["sport" if ("ball" in s or "tennis" in s) else "money" for s in batch]


def digits(batch: Sequence[str]) -> list[str]:
    return ["1" if ("ball" in s or "tennis" in s) else "0" for s in batch]


digits.classes_ = ["0", "1"]  # type: ignore[attr-defined]
words.classes_ = ["money", "sport"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({2: {"1": "sport", "0": "money"}}, r"classifier 2, which is not one of the run's 2"),
        ({1: {"one": "sport"}}, r"digits has no label 'one'; its labels are 0, 1"),
        ({"nope": {"1": "sport"}}, r"classifier 'nope'"),
        ({1: ["sport"]}, r"to a list"),
    ],
)
def test_a_label_map_that_maps_nothing_is_refused(
    tmp_path: Path, given: dict[object, object], said: str
) -> None:
    with pytest.raises(UsageError, match=said):
        check_text(
            [words, digits], grammar=GRAMMAR, label_map=given, max_queries=200, seed=1,
            store=RunStore(tmp_path / "runs.db"),
        )  # fmt: skip


@pytest.mark.parametrize("key", [1, "digits"])
def test_a_right_label_map_runs(tmp_path: Path, key: object) -> None:
    r = check_text(
        [words, digits], grammar=GRAMMAR, label_map={key: {"1": "sport", "0": "money"}},
        max_queries=200, seed=1, store=RunStore(tmp_path / "runs.db"),
    )  # fmt: skip
    assert r.status == "completed" and r.n_findings == 0, r.headline
