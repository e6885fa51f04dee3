"""A ``%directional`` whose symbol is derived within ``--max-depth`` but whose source
alternative alone is not (``q -> "good" | "bad" | "so" Y0``, ``Y0`` the top of a 31-rule
chain) ran, judged no case and ended "NOT EVERYTHING WAS TESTED ... a larger max_queries or
--floor gives each its cases": advice no budget can follow (hostile41t's Left 5).  It is
refused on load at its line, saying the depth it needs (left41)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.errors import UsageError

CHAIN = "".join(f"Y{i} -> Y{i + 1}\n" for i in range(30)) + 'Y30 -> "deep"\n'
GRAMMAR = (
    'S -> subj "was" q "."\nsubj -> "the food" | "the service"\n'
    'q -> "good" | "bad" | "so" Y0\n' + CHAIN + "%invariant subj\n"
    '%directional q: "so" Y0 -> "bad" flip\n'
)


def decl(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


decl.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_directional_whose_source_is_too_deep_is_refused_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        assay.check_text(
            decl, grammar=GRAMMAR, oracle="suite", max_queries=300, seed=1,
            store=str(tmp_path / "s.db"),
        )  # fmt: skip
    said = str(caught.value)
    assert caught.value.line == 36, said
    assert 'its source q -> "so" Y0 needs 33 levels' in said, said
    assert "raise max_depth to 33" in said and "max_queries" not in said, said
    result = assay.check_text(
        decl, grammar=GRAMMAR, oracle="suite", max_queries=300, seed=1, max_depth=40,
        store=str(tmp_path / "s.db"),
    )  # fmt: skip
    assert result.run_id
