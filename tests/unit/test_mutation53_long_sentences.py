"""mutation53: textcap52's cut of long sentences (``core.sentence_cut``) at the edges its
own tests left open: a sentence of exactly the most characters, an invariance run's odd
members and its CSV's variants (a surviving mutant named by each test)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import pytest

from assay.core.sentence_cut import CUT_MARK, SENTENCE_MOST, cut_sentence

csv.field_size_limit(sys.maxsize)

WORD = "lorem" * 500  # a 2,500-character member of an invariance class


def test_a_sentence_of_exactly_the_most_characters_is_kept_whole() -> None:
    # D1 (``len(sentence) <= most`` -> ``<``): a sentence of exactly 2,000 characters was cut
    exact = "a" * SENTENCE_MOST
    assert cut_sentence(exact) == exact
    over = cut_sentence("a" * (SENTENCE_MOST + 1))
    assert len(over) == SENTENCE_MOST and CUT_MARK in over


def _run(tmp: Path, grammar: str, models: str, names: tuple[str, ...] = ("c",)) -> Any:
    """A run of the classifiers ``names`` of the module ``models`` over ``grammar``: an
    invariance run for one, a differential run for several."""
    import assay

    (tmp / "g.cfg").write_text(grammar, encoding="utf-8")
    (tmp / "m.py").write_text(models, encoding="utf-8")
    specs = [f"{tmp / 'm.py'}:{name}" for name in names]
    return assay.check_text(
        specs[0] if len(specs) == 1 else specs,
        grammar=tmp / "g.cfg",
        oracle="invariance" if len(specs) == 1 else "differential",
        max_queries=300,
        seed=1,
        store=tmp / "r.db",
    )


@pytest.fixture(scope="module")
def long_members(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """An invariance run one of whose class members is 2,500 characters long (answered
    unlike the others), its findings exported as CSV."""
    from assay.core.store import RunStore
    from assay.text.exports import export_findings

    tmp = tmp_path_factory.mktemp("members")
    result = _run(
        tmp,
        f"S -> 'the' N 'was' A\nN -> 'food' | 'pasta' | '{WORD}'\nA -> 'good' | 'bad' | 'fine'\n"
        "%invariant N\n",
        "def c(texts):\n"
        "    return ['neg' if ('bad' in t or len(t) > 2000) else 'pos' for t in texts]\n"
        "c.classes_ = ['neg', 'pos']\n",
    )
    with RunStore(tmp / "r.db") as store:
        export_findings(store, result.run_id, tmp / "f.csv")
    return result, tmp / "f.csv"


def test_an_invariance_runs_odd_member_is_cut(long_members: tuple[Any, Path]) -> None:
    # D11 (``odd_members``' ``cut_sentence(m)`` dropped): the 2,500-character member was kept
    # whole in the summary's odd members (and its "Members answered unlike" table)
    result, _ = long_members
    members = result.summary["text"]["odd_members"]
    assert any(CUT_MARK in m["member"] for m in members), members
    assert all(len(m["member"]) <= SENTENCE_MOST for m in members)


def test_an_invariance_runs_csv_cuts_its_variants(long_members: tuple[Any, Path]) -> None:
    # D3 (the CSV's ``variant`` column not cut): an invariance finding's variant, the
    # sentence with the long member swapped in, went whole into the spreadsheet's cell
    _, path = long_members
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and any(CUT_MARK in r["variant"] for r in rows), [r["variant"][:40] for r in rows]
    assert all(len(r[k]) <= SENTENCE_MOST for r in rows for k in ("minimal", "sentence", "variant"))


def test_one_sentence_cut_is_said(tmp_path: Path) -> None:
    # D6 (the note only for more than one): a run whose one long sentence (a variant) was
    # cut said nothing of it in its Notes
    result = _run(
        tmp_path,
        f"S -> 'the' N 'was' 'good'\nN -> '{WORD}' | 'food'\n%invariant N\n",
        "def c(texts):\n    return ['neg' if len(t) > 2000 else 'pos' for t in texts]\n"
        "c.classes_ = ['neg', 'pos']\n",
    )
    (record,) = result.summary["text"]["minimal"]
    assert CUT_MARK in record["variant"] and CUT_MARK not in record["sentence"], record
    notes = [s["text"] for s in result.summary["sections"] if s["title"] == "Notes"]
    assert notes and "1 sentence longer than 2,000 characters is cut here" in notes[0], notes


def test_a_long_terminal_is_cut_in_the_lift_table(tmp_path: Path) -> None:
    # D10 (the lift table's words not cut): a 2,500-character terminal is a word of its own,
    # kept whole in the summary's lift table (its production was cut)
    result = _run(
        tmp_path,
        f"S -> A A A B\nA -> '{WORD}' | 'short' | 'tiny'\nB -> 'good' | 'bad'\n",
        "def a(s):\n    return ['pos' if t.endswith('good') else 'neg' for t in s]\n"
        "def b(s):\n"
        "    return ['pos' if t.endswith('good') and len(t) < 2000 else 'neg' for t in s]\n"
        "a.classes_ = b.classes_ = ['neg', 'pos']\n",
        ("a", "b"),
    )
    lift = result.summary["text"]["lift"]
    words = [r["word"] for r in lift["words"]]
    assert any(CUT_MARK in w for w in words), [w[:20] for w in words]
    assert all(len(w) <= SENTENCE_MOST for w in words)
    assert all(len(r["production"]) <= SENTENCE_MOST for r in lift["productions"])
