"""A test the grammar declares twice is refused at its second line.

A `%invariant`, `%directional` or `%expect` line pasted twice (or written once whole and
once with every member listed, in any order) is one test judged twice: each of its cases
was asked and judged under both lines and each failure counted twice ("12 test failures
... (10 distinct minimal failing sentences)" and two JUnit test cases a failure, where the
one line gave 6 and 5).  Tests that differ in anything that decides a case (a subset of the
class, another expectation, class or tolerance, `not CLASS`) are other tests and run.
"""

from __future__ import annotations

from collections.abc import Hashable

from assay.errors import UsageError
from assay.text.grammar import Directional, Expectation, Grammar, Invariant, Relation

__all__ = ["refuse_repeated"]

# the relations each oracle judges (a line of a kind the run does not judge is not refused)
_JUDGED: dict[str, tuple[type, ...]] = {
    "invariance": (Invariant,),
    "directional": (Directional,),
    "expect": (Expectation,),
    "suite": (Invariant, Directional, Expectation),
}


def _what(rel: Relation) -> Hashable:
    """What decides ``rel``'s cases and verdicts (its line aside)."""
    if isinstance(rel, Invariant):
        return ("invariant", rel.symbol, frozenset(rel.alternatives))
    if isinstance(rel, Expectation):
        return ("expect", rel.symbol, frozenset(rel.alternatives), rel.label, rel.negated)
    return (
        "directional",
        rel.symbol,
        rel.source,
        rel.target,
        rel.expect,
        rel.label,
        rel.tolerance,
    )


def refuse_repeated(grammar: Grammar, oracle: str) -> None:
    """``UsageError`` at the second line of a test ``oracle`` judges that the grammar
    declares twice, naming the first line."""
    kinds = _JUDGED.get(oracle, ())
    every: list[Relation] = [*grammar.invariants, *grammar.directionals, *grammar.expectations]
    seen: dict[Hashable, Relation] = {}
    for rel in sorted(every, key=lambda r: r.line):
        if not isinstance(rel, kinds):
            continue
        first = seen.setdefault(_what(rel), rel)
        if first is rel:
            continue
        raise UsageError(
            f"{grammar.directive(rel, most=3)} is line {first.line}'s test declared twice "
            f"({grammar.directive(first, most=3)}): each of its cases would be judged, and "
            "each failure counted, twice; remove one of the two lines",
            argument="--grammar",
            path=grammar.source,
            line=rel.line,
            column=1,
        )
