"""CheckList's tests in assay (``%expect``, ``--oracle suite``, ``%lexicon``; text35) at the
edges mutation36 found untested."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from assay.text.pipeline import WORKER_ENV

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_text35_checklist import SUITE, _blind, _run  # isort: skip


@pytest.fixture(autouse=True)
def _inline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")


def test_a_not_expectations_margin_is_the_gap_to_the_class_it_names(tmp_path: Path) -> None:
    """``%expect neg -> not pos`` failed by p(pos) 0.7 against p(neg) 0.3: margin -0.4
    (the reverse of ``-> pos``'s), severity 0.4."""
    grammar = SUITE.replace("%expect neg -> neg", "%expect neg -> not pos")
    frame = _run(tmp_path, _blind, "expect", grammar=grammar).findings()
    assert len(frame) > 0
    assert np.allclose(frame["margin"], -0.4) and np.allclose(frame["severity"], 0.4)


def test_a_suite_of_a_small_grammar_asked_whole_passed_every_case(tmp_path: Path) -> None:
    """54 sentences: each test has under 30 cases, every one of them asked (the search
    stopped for want of cases); none failing is a pass of them all, not "too few to tell"."""
    from test_text35_checklist import _right  # isort: skip

    result = _run(tmp_path, _right, "suite", strategy="exhaustive", max_queries=5000)
    assert result.summary["stopped_early"]["search"] == "space", result.summary["stopped_early"]
    outcomes = {t["test"]: t["outcome"] for t in result.summary["text"]["tests"]}
    assert set(outcomes.values()) == {"no failure in every case"}, outcomes
    assert "incomplete_reason" not in result.summary and result.passed


def test_an_expectations_margin_has_the_sign_of_its_verdict() -> None:
    """A label map making two labels one (``neg_a``, ``neg_b`` -> neg): the top label pos
    (0.4) meets ``-> pos`` though the merged neg holds 0.6; the margin is positive as the
    verdict is a pass (CheckList's convention: > 0 passes), and two expectations failing
    alike fail apart (``known.signature`` reads the relation)."""
    from assay.text.expected import expected_class
    from assay.text.grammar import Expectation
    from assay.text.known import signature
    from assay.text.panel import Layout

    layout = Layout(
        names=("c",),
        labels=(("neg_a", "neg_b", "pos"),),
        offsets=(0,),
        common=("neg", "pos"),
        maps=((0, 0, 1),),
    )
    out = np.asarray([[0.3, 0.3, 0.4]])
    failing, margin, _ = expected_class(layout, out, Expectation(0, range(1), "pos", 1), 0)
    assert not failing and margin > 0
    failing, margin, detail = expected_class(layout, out, Expectation(0, range(1), "neg", 2), 3)
    assert failing and margin < 0 and detail["relation"] == 3
    _, _, other = expected_class(layout, out, Expectation(0, range(1), "neg", 5), 4)
    assert signature(detail) != signature(other)
    # a classifier without the class judges nothing: no failure, a passing margin
    unmapped = Layout(("c",), (("a", "b"),), (0,), ("neg", "pos"), ((-1, -1),))
    pos = Expectation(0, range(1), "pos", 1)
    failing, margin, _ = expected_class(unmapped, out[:, :2], pos, 0)
    assert not failing and margin > 0
    # labels without a counterpart are each a class of their own, not pooled into one rival
    own = Layout(("c",), (("pos", "x", "y"),), (0,), ("neg", "pos"), ((1, -1, -1),))
    failing, margin, _ = expected_class(own, np.asarray([[0.3, 0.35, 0.35]]), pos, 0)
    assert failing and margin == pytest.approx(-0.05)


def test_a_suites_invariance_failures_name_their_odd_members(tmp_path: Path) -> None:
    """``room`` makes anything negative: in a suite, the invariance test's failures name the
    member answered unlike the rest (as an invariance run's do), the summary ranks it, and
    the headline counts the suite's failures as test failures."""
    from test_text35_checklist import _roomy  # isort: skip

    result = _run(tmp_path, _roomy, "suite", max_queries=1500)
    frame = result.findings()
    inv = frame[frame["test"] == "line 11: %invariant thing"]
    assert len(inv) > 0
    text = result.summary["text"]
    assert any(m["member"] == "room" for m in text["odd_members"]), text["odd_members"]
    assert "test failures" in result.summary["headline"], result.summary["headline"]


def test_a_single_kind_run_with_a_test_of_too_few_cases_says_so_in_its_headline(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, _blind, "expect", max_queries=60)
    few = [t for t in result.summary["text"]["tests"] if t["outcome"] == "too few cases to tell"]
    assert few, result.summary["text"]["tests"]
    # (said by the headline, or, of several tests, first by why the run is no pass)
    said = result.summary["headline"] + " " + result.summary.get("incomplete_reason", "")
    assert "too few cases (under 30) to tell anything" in said, said
    assert not result.passed


def test_a_quoted_not_is_a_class_never_the_negation() -> None:
    """``-> not pos`` negates; ``-> "not" pos`` names two classes (refused: one class after
    the arrow); ``-> "not"`` is the class named not."""
    from assay.errors import UsageError
    from assay.text.grammar import parse_grammar

    base = 's -> "good" | "bad"\n'
    assert parse_grammar(base + "%expect s -> not pos\n").expectations[0].negated
    with pytest.raises(UsageError, match="expected one class after '->'"):
        parse_grammar(base + '%expect s -> "not" pos\n')
    named = parse_grammar(base + '%expect s -> "not"\n').expectations[0]
    assert named.label == "not" and not named.negated


def test_an_arrow_inside_a_quoted_alternative_is_not_the_expectations(tmp_path: Path) -> None:
    from assay.text.grammar import parse_grammar

    g = parse_grammar('s -> "a -> b" | "c"\n%expect s: "a -> b" -> pos\n')
    e = g.expectations[0]
    assert list(e.alternatives) == [0] and e.label == "pos"


def test_a_stored_suite_set_up_again_keeps_its_tests_lines_and_floor(tmp_path: Path) -> None:
    """``setup_from_record`` (resume, verify) reads the stored grammar text, whose lines are
    not the file's; the tests keep the names of the file first read."""
    from assay.core.store import RunStore
    from assay.text.api import check_text
    from assay.text.grammar import parse_grammar
    from assay.text.prepare import setup_from_record

    text = "# a suite\n\n" + SUITE
    path = tmp_path / "g.cfg"
    path.write_text(text)
    result = check_text(
        [_blind], grammar=str(path), oracle="suite", max_queries=200, seed=1,
        store=RunStore(tmp_path / "s.db"),
    )  # fmt: skip
    with RunStore(tmp_path / "s.db") as store:
        record = store.get_run(result.run_id)
    setup = setup_from_record(record, model=[_blind])
    assert setup.test.grammar.directive_lines() == parse_grammar(text).directive_lines()
    assert setup.test.floor == 100  # (and its floor: a resume in it goes on drawing it)


def test_a_suite_over_units_with_a_test_of_too_few_cases_is_no_pass(tmp_path: Path) -> None:
    """``--units 2``: the units' summaries merged (``units.merge_summaries``) judge the
    suite's tests as one run does: a test that judged too few cases makes it no pass."""
    from test_text35_checklist import _right  # isort: skip

    from assay.core.store import RunStore
    from assay.text.api import check_text

    result = check_text(
        _right, grammar=SUITE, oracle="suite", max_queries=120, seed=2, units=2, floor=0,
        store=RunStore(tmp_path / "u.db"),
    )  # fmt: skip
    outcomes = [t["outcome"] for t in result.summary["text"]["tests"]]
    assert "too few cases to tell" in outcomes or "not tested" in outcomes, outcomes
    assert "too few cases" in result.summary["incomplete_reason"]
    assert not result.passed


def test_an_expect_lines_words_read_back_as_written() -> None:
    """``-> not`` alone is the class named not; a class holding ``#`` is written quoted (bare,
    the rest of the line would be a comment when read back); an unknown class is named as
    the %expect line's, not a %directional's."""
    from assay.errors import UsageError
    from assay.text.generate import Sampler
    from assay.text.grammar import parse_grammar
    from assay.text.oracle import Oracle
    from assay.text.panel import Layout

    base = 's -> "good" | "bad"\n'
    alone = parse_grammar(base + "%expect s -> not\n").expectations[0]
    assert alone.label == "not" and not alone.negated
    hashed = parse_grammar(base + '%expect s -> "a#b"\n')
    again = parse_grammar(hashed.to_text()).expectations[0]
    assert again.label == "a#b"
    layout = Layout(("m",), (("neg", "pos"),), (0,), ("neg", "pos"), ((0, 1),))
    g = parse_grammar(base + "%expect s -> nope\n")
    with pytest.raises(UsageError, match=r"%expect \(line 2\) names class 'nope'"):
        Oracle("expect", g, layout, Sampler(g))


def test_a_hash_in_a_quoted_alternative_and_words_after_a_lexicons_file(tmp_path: Path) -> None:
    from assay.errors import UsageError
    from assay.text.grammar import parse_grammar

    g = parse_grammar('s -> "a#b" | "c"\n%expect s: "a#b" -> pos  # a comment\n')
    assert list(g.expectations[0].alternatives) == [0] and g.expectations[0].label == "pos"
    (tmp_path / "names.txt").write_text("Maria\nJosé\n")
    with pytest.raises(UsageError, match="expected the end of the line after the file"):
        parse_grammar('%lexicon n names.txt extra\ns -> "hi" n\n', base=tmp_path)


def test_each_lexicon_of_a_grammar_is_fingerprinted(tmp_path: Path) -> None:
    from assay.text.api import setup_text
    from assay.text.prepare import text_fingerprints

    (tmp_path / "things.txt").write_text("food\nroom\n")
    (tmp_path / "words.txt").write_text("good\ngreat\n")
    grammar = tmp_path / "g.cfg"
    grammar.write_text(
        's -> "the" thing "is" word\n%lexicon thing things.txt\n%lexicon word words.txt\n'
        "%invariant thing\n"
    )
    prints = text_fingerprints(setup_text([_blind], grammar=str(grammar), oracle="invariance"))
    paths = sorted(str(p["path"]) for k, p in prints.items() if k.startswith("lexicon"))
    assert paths == [str(tmp_path / "things.txt"), str(tmp_path / "words.txt")]
