"""CheckList's minimum functionality tests (``%expect``), a suite of INV, DIR and MFT tests in
one run (``--oracle suite``) and lexicon files (``%lexicon``) (text35)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.store import RunStore
from assay.errors import UsageError
from assay.text.api import check_text
from assay.text.grammar import load_grammar, parse_grammar
from assay.text.pipeline import WORKER_ENV

# a negation suite: MFT on plain and negated sentences, INV over the thing, DIR on negation
SUITE = """
s -> pre pos | pre neg
pre -> "" | "honestly," | "to be fair, after all that,"
pos -> "the" thing "is" good
neg -> "the" thing "is not" good | "the" thing "is" bad
thing -> "food" | "service" | "room"
good -> "good" | "great"
bad -> "bad" | "awful"
%expect pos -> pos
%expect neg -> neg
%invariant thing
%directional neg: "the" thing "is not" good -> "the" thing "is" bad not-up pos
"""
LINE_POS = "line 9: %expect pos -> pos"
LINE_NEG = "line 10: %expect neg -> neg"
LINE_INV = "line 11: %invariant thing"


def _scores(batch: list[str], *, reads_not: bool, room: bool = False) -> list[list[float]]:
    """(neg, pos) probabilities: negative words are read; "not" only when ``reads_not``;
    ``room``: "room" makes anything negative (a planted invariance bug)."""
    out = []
    for s in batch:
        negative = "bad" in s or "awful" in s or (reads_not and " not " in f" {s} ")
        if room and "room" in s:
            negative = True
        out.append([0.8, 0.2] if negative else [0.3, 0.7])
    return out


def _blind(batch: list[str]) -> list[list[float]]:
    return _scores(batch, reads_not=False)


def _right(batch: list[str]) -> list[list[float]]:
    return _scores(batch, reads_not=True)


def _roomy(batch: list[str]) -> list[list[float]]:
    return _scores(batch, reads_not=True, room=True)


def _labels_blind(batch: list[str]) -> list[str]:
    return ["neg" if ("bad" in s or "awful" in s) else "pos" for s in batch]


for _f in (_blind, _right, _roomy):
    _f.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")


def _run(tmp_path: Path, model: Any, oracle: str, grammar: str = SUITE, **kw: Any) -> Any:
    return check_text(
        model,
        grammar=grammar,
        oracle=oracle,
        max_queries=kw.pop("max_queries", 600),
        seed=kw.pop("seed", 3),
        store=RunStore(tmp_path / f"{oracle}-{len(list(tmp_path.iterdir()))}.db"),
        **kw,
    )


# -- %expect: parsing --------------------------------------------------------------------


def test_expect_reads_its_forms_and_writes_them_back() -> None:
    g = parse_grammar(
        's -> a b\na -> "x" | "y" | "z"\nb -> "u"\n'
        "%expect a -> pos\n"
        '%expect a: "x" | "z" -> not neg  # a comment\n'
        "%expect b -> 'very good'\n"
    )
    e1, e2, e3 = g.expectations
    assert (e1.alternatives, e1.label, e1.negated) == (range(3), "pos", False)
    assert (tuple(e2.alternatives), e2.label, e2.negated) == ((0, 2), "neg", True)
    assert e3.label == "very good"
    again = parse_grammar(g.to_text())
    assert [(e.symbol, tuple(e.alternatives), e.label, e.negated) for e in again.expectations] == [
        (e.symbol, tuple(e.alternatives), e.label, e.negated) for e in g.expectations
    ]
    assert again.to_text() == g.to_text()


@pytest.mark.parametrize(
    ("line", "message", "at"),
    [
        ("%expect a", "expected '-> CLASS'", None),
        ("%expect a ->", "expected the class", None),
        ("%expect a -> pos neg", "expected one class", "neg"),
        ('%expect a: "w" -> pos', '"w" is not an alternative', '"w"'),
        ("%expect c -> pos", "unknown symbol 'c'", "c "),
    ],
)
def test_a_wrong_expect_line_is_named_where_it_is_wrong(
    line: str, message: str, at: str | None
) -> None:
    with pytest.raises(UsageError) as got:
        parse_grammar(f's -> a\na -> "x" | "y"\n{line}\n', source="g.cfg")
    assert message in str(got.value)
    assert got.value.line == 3
    if at is not None:
        assert got.value.column == line.index(at) + 1


def test_an_unknown_class_of_an_expect_line_exits_2_at_its_column(
    tmp_path: Path,
) -> None:
    """The class is checked against the classifier's labels at load: the grammar's file,
    line and the class's column (CLI: exit 2)."""
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    grammar = tmp_path / "g.cfg"
    grammar.write_text('s -> "the film is" a\na -> "good" | "bad"\n%expect a: "bad" -> negative\n')
    fakes = tmp_path / "clf.py"
    fakes.write_text(
        "def f(texts):\n    return [[0.5, 0.5] for _ in texts]\nf.classes_ = ['neg', 'pos']\n"
    )
    got = CliRunner().invoke(
        app,
        ["text", f"{fakes}:f", "--grammar", str(grammar), "--oracle", "expect",
         "--max-queries", "100", "--store", str(tmp_path / "s.db")],
    )  # fmt: skip
    assert got.exit_code == 2, got.output
    column = grammar.read_text().splitlines()[2].index("negative") + 1
    assert f"g.cfg:3:{column}:" in got.output and "'negative'" in got.output


# -- %expect: judged -----------------------------------------------------------------------


def test_a_classifier_blind_to_negation_fails_the_negated_expectation_only(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, _blind, "expect")
    frame = result.findings()
    assert len(frame) > 0 and set(frame["test"]) == {LINE_NEG}
    # every failing sentence is negated with "not" (the "bad" ones are read)
    assert all(" not " in s for s in frame["minimal"])
    tests = {t["test"]: t for t in result.summary["text"]["tests"]}
    assert tests[LINE_POS]["failing"] == 0 and tests[LINE_POS]["cases"] > 0
    assert tests[LINE_NEG]["failing"] > 0
    # signed severity: p(neg) - p(pos) = 0.3 - 0.7
    assert np.allclose(frame["margin"], -0.4) and np.allclose(frame["severity"], 0.4)
    assert not result.passed


def test_a_correct_classifier_fails_no_expectation(tmp_path: Path) -> None:
    result = _run(tmp_path, _right, "expect")
    assert result.n_findings == 0 and result.passed
    assert all(t["cases"] > 0 and t["failing"] == 0 for t in result.summary["text"]["tests"])


def test_a_labels_only_classifier_fails_at_margin_minus_one(tmp_path: Path) -> None:
    frame = _run(tmp_path, _labels_blind, "expect").findings()
    assert len(frame) > 0 and np.allclose(frame["margin"], -1.0)


def test_a_not_expectation_fails_on_the_class_it_names(tmp_path: Path) -> None:
    grammar = SUITE.replace("%expect neg -> neg", "%expect neg -> not pos")
    frame = _run(tmp_path, _blind, "expect", grammar=grammar).findings()
    assert set(frame["test"]) == {"line 10: %expect neg -> not pos"}
    assert all(" not " in s for s in frame["minimal"])
    assert all(list(x) == ["pos"] for x in frame["labels"])
    assert _run(tmp_path, _right, "expect", grammar=grammar).n_findings == 0


def test_the_minimal_sentence_still_derives_the_expectations_symbol(tmp_path: Path) -> None:
    """Shrinking drops the preamble ("to be fair, after all that,") but keeps the negated
    phrase the expectation is about: the minimal sentence still carries the expectation."""
    frame = _run(tmp_path, _blind, "expect", max_queries=1500).findings()
    assert len(frame) > 0
    assert (frame["sentence"] != frame["minimal"]).any()  # (some found with a preamble)
    for m in frame["minimal"]:
        assert m.startswith("the ") and " not " in m


def test_a_stored_expectation_failure_is_replayed(tmp_path: Path) -> None:
    """``assay verify``: the blind classifier still fails what it failed; a correct one
    fixes every finding."""
    from assay.api import verify_run

    result = _run(tmp_path, _blind, "expect")
    assert result.n_findings > 0
    same = verify_run(result.run_id, store=result.store, model=[_blind])
    fixed = verify_run(result.run_id, store=result.store, model=[_right])
    assert same.still_failing == result.n_findings
    assert fixed.still_failing == 0


def test_two_expectations_of_one_sentence_are_each_judged(tmp_path: Path) -> None:
    """Every sentence derives both ``a`` and ``b``: each expectation is a case of its own
    (their cases are the same sentence: keyed apart), each with its findings."""
    grammar = (
        's -> "the" a "and the" b\na -> "soup" | "bread"\nb -> "wine" | "beer"\n'
        "%expect a -> neg\n%expect b -> pos\n"
    )
    result = _run(tmp_path, _blind, "expect", grammar=grammar)
    tests = result.summary["text"]["tests"]
    assert [(t["cases"], t["failing"]) for t in tests] == [(4, 4), (4, 0)]


# -- several kinds of test in one run ----------------------------------------------------------


def test_a_suite_runs_every_kind_of_test_and_each_finding_keeps_its_test(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, _roomy, "suite", max_queries=1500)
    tests = {t["test"]: t for t in result.summary["text"]["tests"]}
    assert list(tests)[:3] == [LINE_POS, LINE_NEG, LINE_INV]
    assert all(t["cases"] > 0 for t in tests.values())
    frame = result.findings()
    # "room" makes every sentence negative: positive ones fail the MFT, swaps the INV
    assert {LINE_POS, LINE_INV} <= set(frame["test"]) and LINE_NEG not in set(frame["test"])
    mft = frame[frame["test"] == LINE_POS]
    assert all("room" in s for s in mft["minimal"]) and (mft["variant"] == "").all()
    inv = frame[frame["test"] == LINE_INV]
    assert (inv["variant"] != "").all()
    assert tests[LINE_POS]["distinct minimal"] == len(mft)
    blind = _run(tmp_path, _blind, "suite", max_queries=1500).findings()
    assert set(blind["test"]) == {LINE_NEG}  # (not-up pos: "not good" -> "bad" never rises)


def test_a_suite_needs_some_test_and_the_single_kinds_keep_their_own() -> None:
    from assay.text.generate import Sampler
    from assay.text.oracle import Oracle
    from assay.text.panel import Layout

    layout = Layout(("m",), (("neg", "pos"),), (0,), ("neg", "pos"), ((0, 1),))
    g = parse_grammar(SUITE)
    kinds = {
        k: len(Oracle(k, g, layout, Sampler(g)).relations)
        for k in ("invariance", "directional", "expect", "suite")
    }
    assert kinds == {"invariance": 1, "directional": 1, "expect": 2, "suite": 4}
    bare = parse_grammar('s -> "a" | "b"\n')
    with pytest.raises(UsageError, match="declares no test"):
        Oracle("suite", bare, layout, Sampler(bare))
    with pytest.raises(UsageError, match="declares no expected class"):
        Oracle("expect", bare, layout, Sampler(bare))


def test_a_suites_relations_keep_their_order_through_the_stored_text() -> None:
    """A stored run's findings number their relation in the suite's order; the grammar is
    read back from its stored text: the order must survive ``to_text``."""
    g = parse_grammar(SUITE)
    again = parse_grammar(g.to_text())
    from assay.text.oracle import _relations

    def shape(gr: Any) -> list[str]:
        return [type(r).__name__ for r in _relations(gr, "suite")]

    assert shape(again) == shape(g) == ["Expectation", "Expectation", "Invariant", "Directional"]


# -- lexicon files -------------------------------------------------------------------------


def _lexicon_grammar(tmp_path: Path, names: str, line: str = "%lexicon name names.txt") -> Path:
    (tmp_path / "names.txt").write_text(names, encoding="utf-8")
    grammar = tmp_path / "g.cfg"
    grammar.write_text(f's -> name "is here"\n{line}\n%invariant name\n', encoding="utf-8")
    return grammar


def test_a_lexicons_lines_are_alternatives(tmp_path: Path) -> None:
    grammar = _lexicon_grammar(tmp_path, "Maria\n  José \n\nSão Paulo\nMaria\n")
    g = load_grammar(grammar)
    name = g.symbol("name")
    words = [g.productions[p][1] for p in g.alternatives[name]]
    assert words == [("Maria",), ("José",), ("São Paulo",)]
    assert g.lexicons == [str((tmp_path / "names.txt").resolve())]
    assert 'name -> "Maria" | "José" | "São Paulo"' in g.to_text()


def test_a_lexicon_is_found_beside_the_grammar_not_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grammar = _lexicon_grammar(tmp_path, "Ana\nBo\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert len(load_grammar(grammar).alternatives[0]) == 1  # (s; name's are read)
    assert len(load_grammar(grammar).alternatives[1]) == 2


def test_lexicon_errors_name_the_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grammar = _lexicon_grammar(tmp_path, "Ana\n", "%lexicon name missing.txt")
    with pytest.raises(UsageError) as got:
        load_grammar(grammar)
    assert "no such lexicon file" in str(got.value) and "missing.txt" in str(got.value)
    assert (got.value.line, got.value.column) == (2, len("%lexicon name ") + 1)
    assert got.value.path == str(grammar)
    grammar = _lexicon_grammar(tmp_path, "Ana\n\n" + "x" * 100_001 + "\n")
    with pytest.raises(UsageError) as got:
        load_grammar(grammar)
    assert got.value.path == str(tmp_path / "names.txt") and got.value.line == 3
    grammar = _lexicon_grammar(tmp_path, "\n  \n")
    with pytest.raises(UsageError, match="has no entry"):
        load_grammar(grammar)
    grammar = _lexicon_grammar(tmp_path, "Ana\nBo\n")
    monkeypatch.setattr("assay.text.lexicon.LARGEST_LEXICON", 4)
    with pytest.raises(UsageError, match="a lexicon is at most 4") as got:
        load_grammar(grammar)
    assert got.value.line == 2
    with pytest.raises(UsageError, match="expected a file"):
        parse_grammar("s -> name\n%lexicon name\n")


def test_resume_refuses_a_changed_lexicon(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assay.cli.app import app, register

    register()
    grammar = _lexicon_grammar(tmp_path, "Ana\nBo\nCy\n")
    fakes = tmp_path / "clf.py"
    fakes.write_text("def f(texts):\n    return ['pos' if 'Bo' in t else 'neg' for t in texts]\n")
    store = tmp_path / "s.db"
    runner = CliRunner()
    got = runner.invoke(
        app,
        ["text", f"{fakes}:f", "--grammar", str(grammar), "--oracle", "invariance",
         "--max-queries", "200", "--seed", "1", "--store", str(store), "--quiet"],
    )  # fmt: skip
    assert got.exit_code == 1, got.output
    with RunStore(store) as s:
        (run,) = s.list_runs()
        assert run.config["fingerprints"]["lexicon"]["path"] == str(
            (tmp_path / "names.txt").resolve()
        )
        s.checkpoint(run.id, status="running")  # as if it had been killed
    (tmp_path / "names.txt").write_text("Ana\nBo\nCy\nDee\n")
    got = runner.invoke(app, ["resume", run.id, "--store", str(store)])
    assert got.exit_code == 2, got.output
    assert "lexicon" in got.output and "names.txt" in " ".join(got.output.split())


def _always_pos(batch: list[str]) -> list[list[float]]:
    return [[0.2, 0.8] for _ in batch]


_always_pos.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_a_constant_classifier_passing_every_expectation_was_tested(tmp_path: Path) -> None:
    """A classifier answering "pos" to everything passes ``%expect pos -> pos``: each
    sentence was judged on its own and could have failed, so the run tested something (the
    invariance and directional tests' "one answer to everything: nothing tested" does not
    apply); with a negated expectation it fails."""
    grammar = 's -> "the" thing "is good"\nthing -> "food" | "room"\n%expect s -> pos\n'
    result = _run(tmp_path, _always_pos, "expect", grammar=grammar)
    assert result.n_findings == 0 and result.untested is None and result.passed
    negated = grammar.replace("pos\n", "neg\n")
    assert _run(tmp_path, _always_pos, "expect", grammar=negated).n_findings == 2


def test_a_resumed_runs_tests_keep_the_lines_of_the_file_first_read() -> None:
    """A resumed run reads its grammar from the stored text (``to_text``), whose lines are
    not the file's; the stored directive lines give each test its first name back (before,
    a killed and resumed run stored its later findings under "line 23: ..." for the first
    session's "line 37: ...")."""
    from assay.text.generate import Sampler
    from assay.text.oracle import Oracle
    from assay.text.panel import Layout

    layout = Layout(("m",), (("neg", "pos"),), (0,), ("neg", "pos"), ((0, 1),))
    first = parse_grammar("\n\n# a comment\n" + SUITE)
    again = parse_grammar(first.to_text())
    assert again.directive_lines() != first.directive_lines()
    again.renumber(first.directive_lines())

    def names(g: Any) -> list[str]:
        return Oracle("suite", g, layout, Sampler(g)).tests

    assert names(again) == names(first)
    assert names(again)[0] == "line 12: %expect pos -> pos"
    again.renumber([1, 2])  # (another count: left as it is)
    assert names(again) == names(first)


def test_an_expectation_about_the_whole_sentence_is_shrunk_within_it(tmp_path: Path) -> None:
    """``%expect s -> neg`` is about the start symbol: the whole sentence is its phrase.
    Shrinking keeps it a sentence of ``s`` (by an alternative the test names) and cuts what
    it can inside it (before, nothing under the relation's node was ever shrunk: every
    minimal sentence kept its preamble)."""
    grammar = (
        's -> pre "the" thing "is not" good\n'
        'pre -> "" | "honestly," | "to be fair, after all that,"\n'
        'thing -> "food" | "room"\ngood -> "good" | "great"\n%expect s -> neg\n'
    )
    frame = _run(tmp_path, _blind, "expect", grammar=grammar).findings()
    assert sorted(frame["minimal"]) == [
        f"the {t} is not {g}" for t in ("food", "room") for g in ("good", "great")
    ]
    sub = grammar.replace("%expect s -> neg", '%expect pre: "honestly," -> neg')
    frame = _run(tmp_path, _blind, "expect", grammar=sub).findings()
    # (the phrase must still be the alternative named: the preamble stays)
    assert len(frame) > 0 and all(m.startswith("honestly, the") for m in frame["minimal"])


def test_a_lexicon_above_the_first_rule_is_not_the_start_symbol(tmp_path: Path) -> None:
    (tmp_path / "names.txt").write_text("Ana\nBo\n")
    grammar = tmp_path / "g.cfg"
    grammar.write_text('%lexicon name names.txt\ns -> name "is here"\n')
    g = load_grammar(grammar)
    assert g.names[g.start] == "s" and not g.warnings
