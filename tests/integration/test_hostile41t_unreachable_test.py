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
    said = _refused_then_run_deeper(grammar, tmp_path).args[0]
    assert "no sentence within max_depth 24 derives 'Y30'" in said, said  # (the API's words)
    assert "raise max_depth" in said and "max_queries" not in said, said


def test_a_directional_whose_source_alone_is_too_deep_is_refused_at_its_line(
    tmp_path: Path,
) -> None:
    """left41 (Left 5 above): the symbol ``q`` is derived within --max-depth, its source
    alternative ``"so" Y0`` is not: it judged no case and ended "NOT EVERYTHING WAS TESTED
    ... a larger max_queries or --floor gives each its cases"."""
    chain = "".join(f"Y{i} -> Y{i + 1}\n" for i in range(30)) + 'Y30 -> "deep"\n'
    grammar = (
        'S -> subj "was" q "."\nsubj -> "the food" | "the service"\n'
        'q -> "good" | "bad" | "so" Y0\n' + chain + "%invariant subj\n"
        '%directional q: "so" Y0 -> "bad" flip\n'
    )
    caught = _refused_then_run_deeper(grammar, tmp_path)
    said = caught.args[0]
    assert caught.line == 36, said
    assert 'its source q -> "so" Y0 needs 33 levels' in said, said
    assert "raise max_depth to 33" in said and "max_queries" not in said, said


def _refused_then_run_deeper(grammar: str, tmp_path: Path) -> UsageError:
    """The refusal of a suite run of ``grammar`` at --max-depth 24; at 40 it runs."""
    with pytest.raises(UsageError) as caught:
        assay.check_text(
            decl, grammar=grammar, oracle="suite", max_queries=300, seed=1,
            store=str(tmp_path / "s.db"),
        )  # fmt: skip
    result = assay.check_text(
        decl, grammar=grammar, oracle="suite", max_queries=300, seed=1, max_depth=40,
        store=str(tmp_path / "s.db"),
    )  # fmt: skip
    assert result.run_id
    return caught.value
