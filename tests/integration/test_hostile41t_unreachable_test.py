"""A suite whose one test names a symbol no sentence uses (`%expect never -> neg`, `never`
left unlinked) ran, judged it no case and ended "NOT EVERYTHING WAS TESTED ... a larger
--max-queries or --floor gives each its cases", advice no budget could follow (and exit 1
beside another test's findings).  It is refused on load, naming the test's line; a run of
another kind of test, which does not judge it, runs (hostile41t)."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.errors import UsageError

GRAMMAR = (
    'S -> subj "was" q "."\n'
    'subj -> "the food" | "the service"\n'
    'q -> "good" | "great" | "bad"\n'
    'never -> "not" q\n'
    "%invariant subj\n"
    "%expect never -> neg\n"
    '%directional q: "good" -> "bad" flip\n'
)


def decl(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


decl.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_suite_test_about_an_unreachable_symbol_is_refused_at_its_line(tmp_path: Path) -> None:
    grammar = tmp_path / "suite.cfg"
    grammar.write_text(GRAMMAR)
    with pytest.raises(UsageError) as caught:
        assay.check_text(
            decl, grammar=str(grammar), oracle="suite", max_queries=300, seed=1,
            store=str(tmp_path / "s.db"),
        )  # fmt: skip
    said = str(caught.value)
    assert caught.value.line == 6, said
    assert "%expect never -> neg" in said and "'never' is unreachable from 'S'" in said, said
    assert "larger --max-queries" not in said


def test_a_run_of_another_kind_of_test_runs(tmp_path: Path) -> None:
    grammar = tmp_path / "suite.cfg"
    grammar.write_text(GRAMMAR)
    result = assay.check_text(
        decl, grammar=str(grammar), oracle="directional", max_queries=300, seed=1,
        store=str(tmp_path / "s.db"),
    )  # fmt: skip
    assert result.run_id


def test_a_test_reachable_only_beyond_max_depth_is_refused_saying_so(tmp_path: Path) -> None:
    chain = "".join(f"Y{i} -> Y{i + 1}\n" for i in range(30)) + 'Y30 -> "deep"\n'
    grammar = (
        'S -> subj "was" q "." | "it was" Y0\nsubj -> "the food" | "the service"\n'
        'q -> "good" | "bad"\n' + chain + "%invariant subj\n%expect Y30 -> neg\n"
    )
    with pytest.raises(UsageError) as caught:
        assay.check_text(
            decl, grammar=grammar, oracle="suite", max_queries=300, seed=1,
            store=str(tmp_path / "s.db"),
        )  # fmt: skip
    said = str(caught.value)
    assert "no sentence within max_depth 24 derives 'Y30'" in said, said  # (the API's words)
    assert "raise max_depth" in said and "max_queries" not in said, said
    result = assay.check_text(
        decl, grammar=grammar, oracle="suite", max_queries=300, seed=1, max_depth=40,
        store=str(tmp_path / "s.db"),
    )  # fmt: skip
    assert result.run_id
