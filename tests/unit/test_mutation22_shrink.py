"""Shrinking's minimality, on a grammar small enough to know every answer (bench/RESULTS.md,
"mutation22"): a shrunk sentence fails the same way and is no longer; a round moves a case to
its smallest failing candidate; shrinking stopped by the budget or by its rounds is said to
be incomplete; the node a relation is about is never shrunk."""

from __future__ import annotations

from typing import Any

from assay.text.generate import Sampler, subtree_at, tree_text
from assay.text.grammar import parse_grammar
from assay.text.oracle import Case
from assay.text.shrink import Shrinker, case_size

G = parse_grammar(
    "S -> Adj N V\nAdj -> '' | 'big' | 'very big'\nN -> 'dog' | 'big dog'\n"
    "V -> 'barks' | 'sleeps'\n"
)


class _Refocusing:
    """An oracle for the shrinker alone: its grammar, and the same relation at the same place
    of each edited tree."""

    def __init__(self) -> None:
        self.g = G

    def refocus(self, case: Case, tree: Any, draft: Any = None) -> Case:
        return Case(tree, case.focus, case.relation, draft)


def _alt(symbol: str, words: str) -> int:
    s = G.names.index(symbol)
    return next(p for p in G.alternatives[s] if " ".join(G.productions[p][1]) == words)


def _tree(adj: str, noun: str, verb: str) -> Any:
    return (
        G.alternatives[G.start][0],
        (
            (_alt("Adj", adj), (adj,) if adj else ()),
            (_alt("N", noun), (noun,)),
            (_alt("V", verb), (verb,)),
        ),
    )


def _text(case: Case) -> str:
    return " ".join(tree_text(case.tree).split())


def _shrinker(**kw: Any) -> Shrinker:
    return Shrinker(_Refocusing(), Sampler(G), **kw)  # type: ignore[arg-type]


def _by(rule: Any) -> Any:
    """``evaluate``: each case's failure signature by ``rule(text)`` (None: it passes)."""

    def evaluate(cases: list[Case]) -> list[str | None]:
        return [rule(_text(c)) for c in cases]

    return evaluate


def test_a_case_shrinks_to_the_smallest_sentence_failing_the_same_way() -> None:
    """Fails ('dog') whenever 'dog' is said: 'very big big dog barks' shrinks to 'dog barks'."""
    case = Case(_tree("very big", "big dog", "barks"))
    (done,), complete = _shrinker().shrink(
        [case], _by(lambda t: "dog" if "dog" in t else None), ["dog"]
    )
    assert complete
    assert _text(done) == "dog barks"
    assert case_size(done) < case_size(case)


def test_a_candidate_failing_another_way_is_not_taken() -> None:
    """Every sentence fails, 'very' ones one way and the others another: the case keeps
    'very' (a shorter sentence failing otherwise is another failure, not its minimal form)."""
    case = Case(_tree("very big", "dog", "barks"))
    (done,), complete = _shrinker().shrink(
        [case], _by(lambda t: "very" if "very" in t else "other"), ["very"]
    )
    assert complete and _text(done) == "very big dog barks"


def test_one_round_moves_to_the_smallest_failing_candidate() -> None:
    """One edit per candidate: of 'very big big dog barks', the smallest failing one drops
    the adjective (3 words); its own candidates ('dog barks') are never asked."""
    case = Case(_tree("very big", "big dog", "barks"))
    (done,), complete = _shrinker(max_rounds=1).shrink(
        [case], _by(lambda t: "dog" if "dog" in t else None), ["dog"]
    )
    assert _text(done) == "big dog barks"
    assert not complete


def test_shrinking_the_budget_stopped_is_incomplete() -> None:
    case = Case(_tree("big", "dog", "barks"))
    (done,), complete = _shrinker().shrink([case], lambda cases: None, ["dog"])
    assert not complete and done is case


def test_the_node_a_relation_is_about_is_never_shrunk() -> None:
    """The relation is about N ('very big dog'): its own parts (M) stay as they are, only the
    adjective outside it may go."""
    g = parse_grammar("S -> A N\nA -> '' | 'big'\nN -> M 'dog'\nM -> '' | 'big' | 'very big'\n")

    def alt(symbol: str, words: str) -> int:
        s = g.names.index(symbol)
        return next(
            p for p in g.alternatives[s] if " ".join(map(str, g.productions[p][1])) == words
        )

    n = g.alternatives[g.names.index("N")][0]
    tree = (
        g.alternatives[g.start][0],
        ((alt("A", "big"), ("big",)), (n, ((alt("M", "very big"), ("very big",)), "dog"))),
    )
    oracle = _Refocusing()
    oracle.g = g
    case = Case(tree, focus=(1,), relation=0)
    cands = Shrinker(oracle, Sampler(g)).candidates(case)  # type: ignore[arg-type]
    assert [" ".join(tree_text(c.tree).split()) for c in cands] == ["very big dog"]
    for c in cands:
        assert subtree_at(c.tree, (1,)) == subtree_at(case.tree, (1,))
