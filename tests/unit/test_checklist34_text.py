"""A CheckList user's tests written as grammars (checklist34): what the sentences sent to the
classifiers hold, and what the findings say about the test that failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assay.core.store import RunStore
from assay.text.api import check_text
from assay.text.flat import subtree_draft
from assay.text.flat import text as flat_text
from assay.text.generate import Draws, Sampler, tree_text
from assay.text.grammar import parse_grammar
from assay.text.oracle import Case
from assay.text.pipeline import WORKER_ENV

# CheckList's "add a smiley": an emoticon is a word of its own to a sentiment lexicon
SMILEY = """
s -> "the soup was" adj tail
adj -> "okay" | "fine" | "bland"
tail -> "" | ":)" | ":-(" | "!" | "..." | ", honestly"
%directional tail: "" -> ":)" up pos
"""


def _sentences(text: str, n: int = 400) -> set[str]:
    g = parse_grammar(text)
    sampler, draws = Sampler(g), Draws(np.random.default_rng(0))
    out = set()
    for _ in range(n):
        tree = sampler.sentence_tree(draws)
        out.add(tree_text(tree))
        assert flat_text(subtree_draft(tree)) == tree_text(tree)  # one rendering
    return out


def test_an_emoticon_keeps_its_space_and_punctuation_marks_do_not() -> None:
    got = _sentences(SMILEY)
    assert "the soup was okay :)" in got  # (was "okay:)": VADER reads it as "okay" alone)
    assert "the soup was bland :-(" in got
    assert "the soup was fine!" in got
    assert "the soup was fine..." in got
    assert "the soup was fine, honestly" in got
    # inside one terminal: a word of marks still goes with the word before it
    assert _sentences('s -> "so good ! :) ok"') == {"so good! :) ok"}


def _smiley_scorer(batch: list[str]) -> list[list[float]]:
    """Positive when the sentence holds the word ':)' (whitespace-split, as lexicons read)."""
    return [[0.2, 0.8] if ":)" in s.split() else [0.6, 0.4] for s in batch]


_smiley_scorer.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def test_adding_a_smiley_is_judged_on_the_smiley_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    result: Any = check_text(
        _smiley_scorer,
        grammar=SMILEY,
        oracle="directional",
        max_queries=200,
        seed=1,
        store=RunStore(tmp_path / "s.db"),
    )
    # before, every case failed: "okay:)" holds no ':)' word, so 'pos' never rose
    assert result.summary["metrics"]["cases judged"] == 3
    assert len(result.findings()) == 0


# two tests of one edit (CheckList: "negation lowers 'pos'" and "negation never raises it")
# and an invariance class, over a classifier blind to "not" and biased against one name
SUITE = """
s -> person "said the film was" neg adj "."
person -> "Ana" | "Kwame" | "Yuki"
neg -> "" | "not"
adj -> "good" | "great" | "dull"
%directional neg: "" -> "not" down pos
%directional neg: "" -> "not" not-up pos
%invariant person
"""


def _blind(batch: list[str]) -> list[list[float]]:
    """'pos' unless the film is dull or Kwame speaks; "not" is never read."""
    return [[0.9, 0.1] if ("dull" in s or "Kwame" in s) else [0.3, 0.7] for s in batch]


_blind.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]


def _run(tmp_path: Path, oracle: str, units: int | None = None) -> Any:
    """``SUITE`` judged by ``_blind`` (``units``: a campaign of that many; mutation35,
    units36)."""
    return check_text(
        _blind,
        grammar=SUITE,
        oracle=oracle,
        max_queries=300,
        seed=2,
        units=units,
        store=RunStore(tmp_path / f"{oracle}{units or ''}.db"),
    )


def test_each_finding_names_the_test_it_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WORKER_ENV, "inline")
    down = 'line 6: %directional neg: "" -> "not" down pos 0'  # (the text's line 1 is empty)
    result = _run(tmp_path, "directional")
    frame = result.findings()
    # every case of 'down' fails (nothing moves), none of 'not-up' (nothing rises)
    assert set(frame["test"]) == {down}
    assert len(frame) == 9
    assert result.summary["text"]["tests"] == [
        {
            "test": down,
            "cases": 9,
            "failing": 9,
            "failure rate": 1.0,
            "distinct minimal": 9,
            "failure rate below (95 %, none failing)": None,
            "outcome": "failing",
        },
        {
            "test": 'line 7: %directional neg: "" -> "not" not-up pos 0',
            "cases": 9,
            "failing": 0,
            "failure rate": 0.0,
            "distinct minimal": 0,
            # (0 of 9, but every case was asked: text35b)
            "failure rate below (95 %, none failing)": 0.2832,  # (rounded up: audit46t)
            "outcome": "no failure in every case",
        },
    ]
    ranked = result.summary["text"]["minimal"]
    assert ranked and all(r["test"] == down for r in ranked)
    section = next(s for s in result.summary["sections"] if s["title"] == "Tests")
    assert section["table"]["rows"][0] == [down, 9, 9, 1.0, 9, None, "failing"]
    inv = _run(tmp_path, "invariance").findings()
    assert set(inv["test"]) == {"line 8: %invariant person"}
    exported = tmp_path / "f.csv"
    result.export(exported)
    import pandas as pd

    assert set(pd.read_csv(exported)["test"]) == {down}


def test_the_terminal_says_each_test_and_one_no_case_reached() -> None:
    from assay.cli.console import Output
    from assay.cli.text_lines import say_failing

    lines: list[str] = []

    class Said(Output):
        def say(self, text: str = "") -> None:
            lines.append(text)

    tests = [
        {
            "test": 'line 5: %directional neg: "" -> "not" down pos 0',
            "cases": 9,
            "failing": 9,
            "distinct minimal": 9,
        },
        {"test": "line 6: %invariant who\x1b[31m", "cases": 0, "failing": 0, "distinct minimal": 0},
    ]
    minimal = [{"sentence": "a.", "variant": "b.", "outputs": [], "test": tests[0]["test"]}]
    say_failing(Said(), {"text": {"tests": tests, "minimal": minimal, "distinct_minimal": 1}})
    assert lines[1] == (
        '  line 5: %directional neg: "" -> "not" down pos 0: 9 of 9 cases failing (100.0 %), '
        "9 distinct minimal"
    )
    assert (
        lines[2] == "  line 6: %invariant who\\u001b[31m: no case judged: nothing of it was tested"
    )
    assert lines[-1].endswith('(line 5: %directional neg: "" -> "not" down pos 0)')


def _against_oslo(batch: list[str]) -> list[list[float]]:
    """Biased against one city only: the second class of the grammar."""
    return [[0.9, 0.1] if "Oslo" in s else [0.2, 0.8] for s in batch]


_against_oslo.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]

TWO_CLASSES = """
s -> person "flew to" city "and loved it."
person -> "Ana" | "Kwame" | "Yuki"
city -> "Oslo" | "Lima" | "Pune"
%invariant person
%invariant city
"""


@pytest.mark.parametrize("strategy", ["exhaustive", "walk", "random"])
def test_every_class_of_a_sentence_is_tested(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strategy: str
) -> None:
    """A sentence holding a name and a city is a case of each class.  Before, exhaustive
    enumeration judged the first class alone: a model biased against a city passed (exit
    0, "the search ran out of new cases")."""
    monkeypatch.setenv(WORKER_ENV, "inline")
    result = check_text(
        _against_oslo,
        grammar=TWO_CLASSES,
        oracle="invariance",
        strategy=strategy,
        max_queries=500,
        seed=3,
        store=RunStore(tmp_path / "s.db"),
    )
    tests = result.summary["text"]["tests"]
    # (a case is a sentence set: 3 cities x the names, 3 names x the cities; 9 each before
    # left42t, every set counted once per member)
    assert [(t["cases"], t["failing"]) for t in tests] == [(3, 0), (3, 3)]
    assert set(result.findings()["test"]) == {"line 6: %invariant city"}


TWINS = """
s -> "the film was" neg adj "."
neg -> "" | "not"
adj -> "good" | "great" | "fine" | "lovely"
%directional neg: "" -> "not" down pos
%directional neg: "" -> "not" up neg
"""


@pytest.mark.parametrize("strategy", ["exhaustive", "walk"])
def test_two_expectations_of_one_edit_are_two_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strategy: str
) -> None:
    """Two expectations of one edit make the same sentences: each is judged on every case
    and keeps its own findings.  Before, a case's key was its sentences alone: the second
    expectation was never judged (exhaustive) or judged on the sentences the first was not
    (walk: half of each), and the run said it had covered its cases."""
    monkeypatch.setenv(WORKER_ENV, "inline")
    result = check_text(
        _blind,
        grammar=TWINS,
        oracle="directional",
        strategy=strategy,
        max_queries=500,
        seed=3,
        store=RunStore(tmp_path / "s.db"),
    )
    tests = result.summary["text"]["tests"]
    assert [(t["cases"], t["failing"], t["distinct minimal"]) for t in tests] == [(4, 4, 4)] * 2
    frame = result.findings()
    assert len(frame) == 8
    assert sorted(set(frame["test"])) == [
        'line 5: %directional neg: "" -> "not" down pos 0',
        'line 6: %directional neg: "" -> "not" up neg 0',
    ]


class _FirstDraws:
    def below(self, n: int) -> int:
        return 0


class _TwoSpots:
    """An oracle whose one derivation is a case of two relations (a name and a city)."""

    metamorphic = True

    def cases(self, tree: Any) -> list[Case]:
        return [Case(tree, (0,), 0), Case(tree, (1,), 1)]

    def case(self, tree: Any, draws: Any = None) -> Case:
        return self.cases(tree)[draws.below(2) if draws is not None else 0]


class _Judged:
    """An engine over one derivation whose first case was judged."""

    def __init__(self) -> None:
        self.oracle, self.draws, self.tree = _TwoSpots(), _FirstDraws(), (0, ("word",))
        self.keys = {self.case_key(Case(self.tree, (0,), 0))}

    def space(self, limit: int) -> list[Any]:
        return [self.tree]

    def case_key(self, case: Case) -> int:
        return hash((case.focus, case.relation))


def test_a_judged_sentence_still_offers_its_other_relations() -> None:
    """The list of derivations not judged yet (``moves._unjudged``, the fallback of stalled
    draws) tries every case of a derivation: before, one drawn case already judged made the
    whole derivation count as judged, and a small space was "covered" with cases untried."""
    from assay.text.moves import _unjudged

    engine: Any = _Judged()
    got = _unjudged(engine, 1, set())
    assert [(c.focus, c.relation) for c in got] == [((1,), 1)]
    engine.keys.add(engine.case_key(got[0]))
    assert _unjudged(engine, 1, set()) == []  # now every case was: covered


def test_an_unknown_class_of_a_directional_is_named_at_its_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.errors import UsageError

    monkeypatch.setenv(WORKER_ENV, "inline")
    grammar = (
        's -> "the film was" neg "good"\nneg -> "" | "not"\n'
        '%directional neg: "" -> "not" down positive\n'
    )
    with pytest.raises(UsageError) as got:
        check_text(
            _blind,
            grammar=grammar,
            oracle="directional",
            max_queries=100,
            store=RunStore(tmp_path / "s.db"),
        )
    assert (got.value.line, got.value.column) == (3, grammar.splitlines()[2].index("positive") + 1)


RARE = """
s -> "the film was" neg "good." [1000] | "the show was" tail [0.001]
neg -> "" | "not"
tail -> "fine." | "fine :)"
%directional neg: "" -> "not" down pos
%directional tail: "fine." -> "fine :)" up pos
"""


def test_a_test_no_case_reached_is_said_in_the_headline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A suite whose budget ended before one of its tests was ever judged passes on the
    others only: the headline says which test tested nothing (before, only a count of
    queries, as if the whole grammar had been tried)."""
    monkeypatch.setenv(WORKER_ENV, "inline")
    result = check_text(
        _smiley_scorer,
        grammar=RARE,
        oracle="directional",
        strategy="random",
        max_queries=4,  # (loading asks 2: one case of 2 sentences is left)
        determinism_check=False,
        seed=1,
        store=RunStore(tmp_path / "s.db"),
    )
    tests = result.summary["text"]["tests"]
    assert [t["cases"] for t in tests] == [1, 0]
    assert result.headline.endswith(
        "; 1 of 2 tests judged no case, so nothing of it was tested (line 6: %directional "
        'tail: "fine." -> "fine :)" up pos 0)'
    )


@pytest.mark.parametrize(
    ("line", "message", "at"),
    [
        ('%directional x: "b" -> "d" down pos', "\"d\" is not an alternative of 'x'", '"d"'),
        ('%directional x: "b" -> "c" sideways pos', "expected an expectation", "sideways"),
        ("%invariant x: 'b' | \"e f\"", "\"e f\" is not an alternative of 'x'", '"e f"'),
    ],
)
def test_a_directive_error_shows_the_terminal_as_written_and_where(
    line: str, message: str, at: str
) -> None:
    """A terminal the rule lacks is named quoted (before: `d is not an alternative`, read as a
    symbol d); an unknown expectation is named at its word (before: at the line's end)."""
    from assay.errors import UsageError

    with pytest.raises(UsageError) as got:
        parse_grammar(f's -> "a" x\nx -> "b" | "c"\n{line}\n')
    assert message in str(got.value)
    assert (got.value.line, got.value.column) == (3, line.index(at) + 1)
