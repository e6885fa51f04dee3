"""How long the grammar's sentences are on average, drawn as the sampler draws them: a
weighted recursion can make them exponentially long within ``--max-depth``.

``C -> C "and" C [50] | "the food was" Q [1]`` takes the recursive branch 50 times in 51,
so a sentence doubles at nearly every level down to the depth bound: about 2^23 words at
the default ``--max-depth 24``.  Loading such a grammar ran for over five minutes and took
1.5 GB before anything was asked (34 s and 957 MB at ``--max-depth 14``), saying nothing.
``refuse_long_sentences`` says so on load instead, naming the production.

The mean alone let long sentences through whose run still took its memory: ``--max-depth
14`` (8,964 words on average) ran 500 queries in 957 MB, 1,500 queries at ``--max-depth 12``
(2,331 words) in 622 MB; a run's memory grows with the words it asks (about 160-280 bytes a
word, measured linear from 150 to 1,500 queries).  So the words a run would ask are bounded
too: the mean times the sentences it may ask (``--max-queries``, at most ``SENTENCES_HELD``;
that many when only time bounds it), at most ``WORDS_ASKED`` (hostile41t's Left 2).
"""

from __future__ import annotations

from assay.errors import UsageError
from assay.text.grammar import Grammar

__all__ = ["LONGEST_MEAN", "WORDS_ASKED", "mean_words", "refuse_long_sentences"]

LONGEST_MEAN = 10_000  # words a sentence may hold on average
WORDS_ASKED = 2_000_000  # words a run's sentences may hold in all (~0.3-0.6 GB)
SENTENCES_HELD = 16_384  # sentences counted when the budget is larger or time alone


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
    means = _Means(g, weight, words, lex_w, lex_ww, inner)
    return means.mean(g.start, max_depth)


class _Means:
    """The mean words of a symbol's sentences within a number of levels, memoised (a class,
    not a closure calling itself: that is a reference cycle per call, see
    ``test_no_closure_of_the_text_search_calls_itself``)."""

    def __init__(
        self,
        g: Grammar,
        weight: list[float],
        words: list[int],
        lex_w: list[float],
        lex_ww: list[float],
        inner: list[list[int]],
    ) -> None:
        self.g, self.weight, self.words = g, weight, words
        self.lex_w, self.lex_ww, self.inner = lex_w, lex_ww, inner
        self.memo: dict[tuple[int, int], float] = {}

    def mean(self, s: int, levels: int) -> float:
        key = (s, levels)
        got = self.memo.get(key)
        if got is not None:
            return got
        g, weight = self.g, self.weight
        total_w, total = self.lex_w[s], self.lex_ww[s]
        for p in self.inner[s]:
            if g.prod_height[p] > levels:
                continue
            below = sum(
                self.mean(it, levels - 1) for it in g.productions[p][1] if isinstance(it, int)
            )
            total_w += weight[p]
            total += weight[p] * (self.words[p] + below)
        self.memo[key] = got = total / total_w if total_w else 0.0
        return got


def refuse_long_sentences(
    grammar: Grammar,
    max_depth: int,
    *,
    weighted: bool = True,
    max_queries: int | None = None,
    stored: bool = False,
) -> None:
    """A ``UsageError`` when the grammar's sentences would hold more than ``LONGEST_MEAN``
    words on average within ``max_depth``, or a run of ``max_queries`` of them (None: time
    alone bounds it) more than ``WORDS_ASKED`` in all, naming the recursive production drawn
    most.  A ``stored`` run (verified, resumed, reported) is checked by the mean alone: it
    was made under its own budget, which is not this call's."""
    mean = mean_words(grammar, max_depth, weighted=weighted)
    asked = min(max_queries, SENTENCES_HELD) if max_queries else SENTENCES_HELD
    if mean <= LONGEST_MEAN and (stored or mean * asked <= WORDS_ASKED):
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
    if mean > LONGEST_MEAN:
        bound = f"too long to generate (at most {LONGEST_MEAN:,} on average)"
        advice = "lower the recursive production's weight, or --max-depth"
    else:
        fits = max(1, int(WORDS_ASKED // mean))
        given = f"--max-queries {max_queries:,}" if max_queries else "a time budget alone"
        bound = (
            f"and a run of {given} would ask about {mean * asked:,.0f} words, too many to "
            f"hold (at most {WORDS_ASKED:,}: some {fits:,} sentences of this length)"
        )
        advice = f"give --max-queries {fits:,} or fewer" + (
            ", lower the recursive production's weight, or --max-depth" if named else ""
        )
    raise UsageError(
        f"the grammar's sentences would hold about {mean:,.0f} words on average within "
        f"--max-depth {max_depth}{named}, {bound}: {advice}",
        argument="--grammar",
        path=g.source,
        line=line,
    )
