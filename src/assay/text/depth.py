"""What a depth bound leaves out of a grammar: the productions no derivation within
``--max-depth`` can use, said once so that a run which never generated them does not read as
having covered the grammar."""

from __future__ import annotations

from collections import deque

from assay.text.generate import DEEPEST
from assay.text.grammar import Grammar, reachable_symbols

__all__ = ["beyond_depth", "within_depth"]


def beyond_depth(grammar: Grammar, max_depth: int) -> str | None:
    """A note naming the productions that no derivation of at most ``max_depth`` levels can
    use, or None when every production reachable from the start symbol can be used.

    A production of a symbol first reachable ``d`` levels below the start needs
    ``d + its height`` levels; the symbols it leads to are ``d + 1`` levels down.
    """
    dist, left_out = _levels(grammar, max_depth)
    unreached = reachable_symbols(grammar) - dist.keys()  # only through those left out
    never = len(left_out) + sum(len(grammar.alternatives[s]) for s in unreached)
    if not never:
        return None
    first, need = min(left_out, key=lambda x: x[1])
    return (
        f"{never:,} production(s) of the grammar can never be generated within "
        f"--max-depth {max_depth} (the first, {grammar.describe(first)}, needs {need}): "
        "no sentence using them was tested; "
        + (
            f"raise --max-depth to reach them (at most {DEEPEST})"
            if need <= DEEPEST
            else f"they are deeper than assay generates ({DEEPEST}): shorten the chain"
        )
    )


def within_depth(grammar: Grammar, max_depth: int) -> set[int]:
    """The symbols some sentence of at most ``max_depth`` levels derives."""
    return set(_levels(grammar, max_depth)[0])


def _levels(grammar: Grammar, max_depth: int) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Per symbol a derivation within ``max_depth`` reaches: the levels below the start it is
    first reached at; and the productions left out (with the levels each needs)."""
    dist = {grammar.start: 0}
    todo = deque([grammar.start])
    left_out: list[tuple[int, int]] = []  # (production, levels it needs)
    while todo:
        s = todo.popleft()
        for p in grammar.alternatives[s]:
            need = dist[s] + grammar.prod_height[p]
            if need > max_depth:
                left_out.append((p, need))
                continue
            for it in grammar.productions[p][1]:
                if isinstance(it, int) and it not in dist:
                    dist[it] = dist[s] + 1
                    todo.append(it)
    return dist, left_out
