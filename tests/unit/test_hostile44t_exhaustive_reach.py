"""``--strategy exhaustive`` with a budget reaching only the first of many derivations
(hostile44t): they come in a fixed order, the last symbols varying first, so 2,000 queries
over a grammar of 10^6 sentences never change its first symbol; a classifier planted to
differ on a word there passed (exit 0, "this does not show that none exists") with nothing
said of it.  Loading now warns, naming the share reached; a grammar the budget covers is
not warned of."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli.app import main
from assay.text.grammar import parse_grammar
from assay.text.strategies import exhaustive_reach

WORDS = "".join(
    x + " -> " + " | ".join(f'"{x}{i}"' for i in range(10)) + "\n" for x in "abcdef"
)  # 10^6 sentences
GRAMMAR = 's -> a b c d e f "hate"\n' + WORDS

CLASSIFIERS = """
def clean(batch):
    return ["toxic" if "f1" in s.split() else "clean" for s in batch]
clean.classes_ = ["clean", "toxic"]

def planted(batch):
    return ["toxic" if "f1" in s.split() or "a7" in s.split() else "clean" for s in batch]
planted.classes_ = ["clean", "toxic"]
"""


def test_the_share_an_exhaustive_budget_reaches_is_said() -> None:
    grammar = parse_grammar(GRAMMAR)
    said = exhaustive_reach(grammar, 24, 2_000)
    assert said is not None and "1,000,000 derivations" in said and "0.2%" in said, said
    assert exhaustive_reach(grammar, 24, 1_000_000) is None
    assert exhaustive_reach(grammar, 24, None) is None


def test_the_command_warns_of_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    with pytest.raises(SystemExit) as ended:
        main([
            "text", f"{tmp_path / 'c.py'}:clean", f"{tmp_path / 'c.py'}:planted",
            "--grammar", str(tmp_path / "g.cfg"), "--strategy", "exhaustive",
            "--max-queries", "2000", "--seed", "1", "--store", str(tmp_path / "r.db"),
        ])  # fmt: skip
    said = capsys.readouterr()
    assert ended.value.code == 0  # (the budget never reaches a7: as before, now said)
    assert "warning: --strategy exhaustive asks the grammar's 1,000,000 derivations" in (
        said.out + said.err
    )


def test_an_api_caller_is_told_and_the_run_keeps_it(tmp_path: Path) -> None:
    # (left44t: the warning was the command line's alone; check_text said nothing of it)
    import assay
    from assay.core.notices import AssayWarning

    (tmp_path / "g.cfg").write_text(GRAMMAR, encoding="utf-8")
    (tmp_path / "c.py").write_text(CLASSIFIERS, encoding="utf-8")
    with pytest.warns(AssayWarning, match=r'strategy="exhaustive" asks the grammar.s 1,000,000'):
        result = assay.check_text(
            [f"{tmp_path / 'c.py'}:clean", f"{tmp_path / 'c.py'}:planted"],
            grammar=str(tmp_path / "g.cfg"),
            strategy="exhaustive",
            max_queries=2000,
            seed=1,
            store=tmp_path / "r.db",
        )
    said = [w for w in result.summary.get("warnings") or [] if "fixed order" in w]
    # (the search's share of it, loading's and the checks' queries out: left46t)
    assert said and "max_queries=2000 leaves the search " in said[0], said
    assert "which reach at most the first 0.1%" in said[0], said
    notes = [s["text"] for s in result.summary["sections"] if s["title"] == "Notes"]
    assert notes and "fixed order" in notes[0]
