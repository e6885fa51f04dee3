"""How long the grammar's sentences are on average, drawn as the sampler draws them: a
weighted recursion can make them exponentially long within ``--max-depth``.

``C -> C "and" C [50] | "the food was" Q [1]`` takes the recursive branch 50 times in 51,
so a sentence doubles at nearly every level down to the depth bound: about 2^23 words at
the default ``--max-depth 24``.  Loading such a grammar ran for over five minutes and took
1.5 GB before anything was asked (34 s and 957 MB at ``--max-depth 14``), saying nothing.
``refuse_long_sentences`` says so on load instead, naming the production.
"""

from __future__ import annotations

from assay.errors import UsageError
from assay.text.grammar import Grammar

__all__ = ["LONGEST_MEAN", "mean_words", "refuse_long_sentences"]

LONGEST_MEAN = 10_000  # words a sentence may hold on average


def mean_words(grammar: Grammar, max_depth: int, *, weighted: bool = True) -> float:
    """The expected number of words of a sentence drawn from the start symbol within
    ``max_depth`` levels (as ``generate.Sampler`` draws: a symbol's productions that finish
    within the levels left, in proportion to their weights, or alike when not ``weighted``)."""
    g = grammar
    weight = [float(w) if weighted else 1.0 for w in g.weights]
    words = [
        sum(len(it.split()) for it in items if isinstance(it, str)) for _, items in g.productions
    ]
    # per symbol: its word productions' weights and words, added once (a list of 900,000
    # nouns is read once, not once per depth)
    lex_w = [0.0] * len(g.names)
    lex_ww = [0.0] * len(g.names)
    inner: list[list[int]] = [[] for _ in g.names]
    for p, (s, _) in enumerate(g.productions):
        if g.lexical[p]:
            lex_w[s] += weight[p]
            lex_ww[s] += weight[p] * words[p]
        else:
            inner[s].append(p)
    memo: dict[tuple[int, int], float] = {}

    def mean(s: int, levels: int) -> float:
        key = (s, levels)
        got = memo.get(key)
        if got is not None:
            return got
        total_w, total = lex_w[s], lex_ww[s]
        for p in inner[s]:
            if g.prod_height[p] > levels:
                continue
            below = sum(mean(it, levels - 1) for it in g.productions[p][1] if isinstance(it, int))
            total_w += weight[p]
            total += weight[p] * (words[p] + below)
        memo[key] = got = total / total_w if total_w else 0.0
        return got

    return mean(g.start, max_depth)


def refuse_long_sentences(grammar: Grammar, max_depth: int, *, weighted: bool = True) -> None:
    """A ``UsageError`` when the grammar's sentences would hold more than ``LONGEST_MEAN``
    words on average within ``max_depth``, naming the recursive production drawn most."""
    mean = mean_words(grammar, max_depth, weighted=weighted)
    if mean <= LONGEST_MEAN:
        return
    g = grammar
    share: dict[int, tuple[float, int]] = {}  # a production holding its own symbol: its
    for p, (s, items) in enumerate(g.productions):  # share of its symbol's weight, repeats
        own = sum(1 for it in items if it == s)
        if own:
            total = sum(float(g.weights[q]) if weighted else 1.0 for q in g.alternatives[s])
            share[p] = ((float(g.weights[p]) if weighted else 1.0) / total, own)
    named, line = "", None
    if share:
        p = max(share, key=lambda q: share[q][0] * share[q][1])
        part, own = share[p]
        line = g.lines[p] if p < len(g.lines) else None
        named = (
            f" ({g.describe(p)} is drawn {part:.0%} of the time and holds "
            f"{g.names[g.productions[p][0]]} {'once' if own == 1 else f'{own} times'}: each "
            "level down multiplies the sentence)"
        )
    raise UsageError(
        f"the grammar's sentences would hold about {mean:,.0f} words on average within "
        f"--max-depth {max_depth}{named}, too long to generate (at most {LONGEST_MEAN:,} on "
        "average): lower the recursive production's weight, or --max-depth",
        argument="--grammar",
        path=g.source,
        line=line,
    )
