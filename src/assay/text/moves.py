"""What the searches share: fresh random draws of unjudged cases, word swaps (a terminal
swapped for another of its category), drafted re-derivations, the words of a known minimal
error a case holds (its failing core), and cases as JSON for a strategy's snapshot."""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Iterator
from typing import Any, cast

import numpy as np

from assay.text.engine import _SEP, Engine
from assay.text.flat import Flat, replaced, subtree_draft, words_of
from assay.text.generate import (
    Sampler,
    Tree,
    replace_at,
    subtree_at,
    tree_from_json,
    tree_text,
)
from assay.text.oracle import Case
from assay.text.segment import Words
from assay.text.spacing import BEYOND_ASCII, glued, rule

__all__ = [
    "core_paths",
    "drafted",
    "flat_of",
    "fresh_random",
    "lexical_spots",
    "subtree_case",
    "swap_word",
    "swap_word_at",
    "unweighted_tree",
]

_PATIENCE = 200  # fresh draws tried per wanted case before the space is taken as covered


_JSON_MEMO: dict[int, tuple[Case, str]] = {}  # case identity -> (case, its JSON text)


def _case_json(case: Case | None) -> Any:
    """A case as one JSON text (the C encoder walks the nested tuples: checkpoints stay
    cheap); remembered by identity for the cases a walk keeps between checkpoints."""
    if case is None:
        return None
    got = _JSON_MEMO.get(id(case))
    if got is not None and got[0] is case:
        return got[1]
    text = json.dumps([case.tree, case.focus, case.relation], separators=(",", ":"))
    if len(_JSON_MEMO) > 4096:
        _JSON_MEMO.clear()
    _JSON_MEMO[id(case)] = (case, text)
    return text


def _case_from(data: Any) -> Case | None:
    if data is None:
        return None
    if isinstance(data, str):
        data = json.loads(data)
    focus = tuple(data[1]) if data[1] is not None else None
    return Case(tree_from_json(data[0]), focus, int(data[2]))


def fresh_random(engine: Engine, n: int, bias: np.ndarray | None = None) -> list[Case]:
    """Up to ``n`` random cases never judged (fewer only when the space is covered).

    Derivations are drawn (steered by ``bias``); when ``_PATIENCE`` draws per wanted case
    give nothing new (a small grammar mostly judged, or a bias that keeps drawing the same
    few sentences), the rest come from the derivations not judged yet, drawn uniformly
    (grammars of at most ``_ENUMERABLE`` derivations): a small space is reported covered
    only when it is, never because random draws kept repeating."""
    keys: set[int] = set()
    # once draws stalled (the space is small and mostly judged, or the steering keeps
    # drawing the same few sentences), a few repeats per wanted case are enough
    patience = _PATIENCE // 25 if engine.stalled else _PATIENCE
    out = _drawn(engine, engine.sampler, n, bias, keys, patience)
    if len(out) < n:
        engine.stalled = True
        out.extend(_unjudged(engine, n - len(out), keys))
    if len(out) < n and engine.space_size(_ENUMERABLE) is None:
        # too many derivations to list: the grammar's weights (``"tea" [1e300]``) kept
        # drawing the same few sentences, which is no covered space; drawn uniformly
        out.extend(_drawn(engine, engine.uniform_sampler, n - len(out), None, keys, patience))
    return out


def _drawn(
    engine: Engine,
    sampler: Sampler,
    n: int,
    bias: np.ndarray | None,
    keys: set[int],
    patience: int,
) -> list[Case]:
    """Up to ``n`` cases of ``sampler``'s derivations never judged (nor in ``keys``, which
    gains theirs), trying ``patience`` draws per 8 wanted before giving up."""
    out: list[Case] = []
    misses = 0
    while len(out) < n and misses < patience * max(1, n // 8):
        tree = sampler.sentence_tree(engine.draws, bias)
        case = engine.oracle.case(tree, engine.draws)
        if case is None:
            misses += 1
            continue
        key = engine.case_key(case)
        if key in keys or key in engine.keys:
            misses += 1
            continue
        keys.add(key)
        out.append(case)
    return out


_ENUMERABLE = 100_000  # derivations: up to this many, a stalled draw falls back to the list


def _unjudged(engine: Engine, n: int, keys: set[int]) -> list[Case]:
    """Up to ``n`` cases of derivations never judged, each from a uniformly drawn place in
    the list of every derivation (the next one not judged from there, cyclically); none
    when the grammar has more than ``_ENUMERABLE`` derivations or every one was judged."""
    space = engine.space(_ENUMERABLE)
    if not space:
        return []
    out: list[Case] = []
    size = len(space)
    # differential oracles: a derivation is one case, so derivations found judged are
    # skipped from then on (``skip``: a cache that depends on the judged set alone, so a
    # resumed run, which starts without it, proposes the same cases)
    skip = None if engine.oracle.metamorphic else engine.space_skip()
    while len(out) < n:
        at = engine.draws.below(size)
        for step in range(size):
            i = (at + step) % size
            if skip is not None:
                i = _next_open(skip, i)
                if i == size:
                    i = _next_open(skip, 0)
                    if i == size:
                        break
            case = _open_case(engine, space[i], keys)
            if case is None:
                if skip is not None:
                    skip[i] = i + 1  # judged for good (proposed now: judged this round)
                continue
            keys.add(engine.case_key(case))
            out.append(case)
            break
        else:
            break  # every derivation judged: the space is covered
        if skip is not None and len(out) < n and _next_open(skip, 0) == size:
            break
    return out


def _open_case(engine: Engine, tree: Tree, keys: set[int]) -> Case | None:
    """A case of ``tree`` never judged (nor in ``keys``), of a drawn relation and place
    when it has several: every one is tried before the derivation counts as judged (one
    drawn alone left the other relations of a judged sentence untried, and a run "covered
    the space" with half of a test's cases judged); None when all were."""
    cases = engine.oracle.cases(tree)
    if not cases:
        return None
    at = engine.draws.below(len(cases))  # (one draw, as ``Oracle.case`` made: seeds hold)
    for case in cases[at:] + cases[:at]:
        key = engine.case_key(case)
        if key not in keys and key not in engine.keys:
            return case
    return None


def _next_open(skip: list[int], i: int) -> int:
    """The first place at or after ``i`` not known to be judged (``len(skip)`` when none),
    following and shortening the chain of ``skip`` (``skip[j] == j``: not known judged)."""
    root = i
    while root < len(skip) and skip[root] != root:
        root = skip[root]
    while i < len(skip) and skip[i] != i:
        skip[i], i = root, skip[i]
    return root


def flat_of(engine: Engine, case: Case) -> Flat:
    """The case's tree as flat lists (``flat.flatten``), kept across rounds with the case."""
    got: Flat = engine.lasting("flat", case, engine.flatten_case)
    return got


def lexical_spots(engine: Engine, case: Case) -> list[tuple[tuple[int, ...], int, int]]:
    """Nodes whose production is a word choice (all terminals) of a symbol with at least two
    word choices: the 'terminals of the same category' Ogma swaps, as (path, production,
    place in preorder).  Excludes the node a metamorphic relation is about."""
    flat = flat_of(engine, case)
    swappable = engine.g.swappable
    focus = case.focus
    out = []
    for i, p in enumerate(flat.prods):
        if not swappable[p]:
            continue
        path = flat.paths[i]
        if focus is not None and path[: len(focus)] == focus:
            continue
        out.append((path, p, i))
    return out


def swap_word(
    engine: Engine, case: Case, weights: np.ndarray | None = None, keep: bool = False
) -> Case | None:
    """One terminal of the case swapped for another of its category (uniform, or weighted by
    ``weights``).  With ``keep``, the word to replace is chosen in inverse proportion to its
    weight: the words most associated with errors tend to stay."""
    return swap_word_at(engine, case, weights, keep)[0]


def swap_word_at(
    engine: Engine,
    case: Case,
    weights: np.ndarray | None = None,
    keep: bool = False,
    avoid: set[tuple[int, ...]] | None = None,
    memo: dict[Any, Any] | None = None,
    unjudged: bool = False,
) -> tuple[Case | None, tuple[int, ...] | None]:
    """``swap_word``, also giving the path of the swapped node; nodes at paths in ``avoid``
    are left as they are.  ``memo``: a dict kept by a caller drafting several swaps of
    one case with the same ``weights``, ``keep`` and ``avoid`` (what depends on them alone
    is made once).  ``unjudged``: None for a draft judged already (the walk, which skips
    those: ``Engine.drafted_case``)."""
    got = None if memo is None else memo.get("spots")
    if got is None:
        spots = engine.lasting("lexical", case, lambda c: lexical_spots(engine, c))
        if avoid:
            spots = [sp for sp in spots if sp[0] not in avoid]
        kcum = None
        if keep and weights is not None and len(spots) > 1:
            kcum = list(itertools.accumulate([1.0 / float(weights[p]) for _, p, _ in spots]))
        got = (spots, kcum)
        if memo is not None:
            memo["spots"] = got
    spots, kcum = got
    if not spots:
        return None, None
    g = engine.g
    if kcum is not None:
        path, p, at = spots[_pick_cum(kcum, engine.draws.next())]
    else:
        path, p, at = spots[engine.draws.below(len(spots))]
    q = _other_word(engine, p, weights, memo)
    made = _drafts_of(engine, case, memo)
    edit = (path, q)
    cand = made.get(edit, _UNMADE)
    if cand is _UNMADE:
        items = g.productions[q][1]
        draft = replaced(
            flat_of(engine, case), at, [q], words_of(items), engine.vocab.prod_words[q]
        )
        if unjudged:
            cand = made[edit] = engine.drafted_case(case, path, (q, items), draft)
        else:
            tree = replace_at(case.tree, path, (q, items))
            cand = made[edit] = engine.oracle.refocus(case, tree, draft)
    return cand, path


_UNMADE: Any = object()

# a category of more word choices than this draws its new word without listing the others:
# by its place (uniform), or from the cumulative weights of all its word choices, made once
# per weights array (weighted); fewer are drawn as they always were (the same findings)


MANY_WORDS = 64


def _other_word(
    engine: Engine, p: int, weights: np.ndarray | None, memo: dict[Any, Any] | None
) -> int:
    """Another word choice of production ``p``'s symbol than ``p``, drawn uniformly or in
    proportion to ``weights``: one or two draws, O(log n) for a category of n words (a
    category of 50,000 words listed and summed for each swap made a run take minutes)."""
    if weights is not None and memo is not None:
        other = memo.get(p)  # (made below for a category of at most MANY_WORDS words)
        if other is not None:
            return int(other[0][_pick_cum(other[1], engine.draws.next())])
    g = engine.g
    choices = g.word_choices[g.productions[p][0]]
    at = g.word_place[p]
    if weights is None:  # (the same draw as picking from the list without ``p``)
        k = engine.draws.below(len(choices) - 1)
        return choices[k + (k >= at)]
    if len(choices) <= MANY_WORDS:
        other = None if memo is None else memo.get(p)
        if other is None:
            others = [q for q in choices if q != p]
            other = (others, list(itertools.accumulate(float(weights[x]) for x in others)))
            if memo is not None:
                memo[p] = other
        others, ocum = other
        return int(others[_pick_cum(ocum, engine.draws.next())])
    s = g.productions[p][0]
    table = engine.sampler.steered(weights)
    cum = table.get(("words", s))
    if cum is None:
        cum = table["words", s] = np.cumsum(weights[np.asarray(choices, dtype=np.int64)])
    return choices[_pick_cum_without(cum, at, engine.draws.next())]


def _pick_cum_without(cum: np.ndarray, at: int, u: float) -> int:
    """The index drawn by the uniform ``u`` in proportion to the weights whose cumulative
    sums are ``cum``, leaving out the weight at ``at`` (never drawn)."""
    own = float(cum[at] - (cum[at - 1] if at else 0.0))
    x = u * (float(cum[-1]) - own)
    last = len(cum) - 1
    if at and (at == last or x < float(cum[at - 1])):
        return min(int(np.searchsorted(cum[:at], x, side="right")), at - 1)
    k = int(np.searchsorted(cum, x + own, side="right"))
    return min(max(k, at + 1), last)


def subtree_case(
    engine: Engine,
    case: Case,
    memo: dict[Any, Any] | None,
    path: tuple[int, ...],
    at: int,
    new: Tree,
) -> Case | None:
    """``case`` with the subtree at ``path`` (its words from the ``at``-th) re-derived as
    ``new`` (made once per ``memo``); None when ``new`` is that subtree already, or when
    the oracle compares one sentence per case and this one was judged (the walk skips
    those)."""
    made = _drafts_of(engine, case, memo)
    edit = (path, new)
    cand = made.get(edit, _UNMADE)
    if cand is _UNMADE:
        if new == subtree_at(case.tree, path):
            return None
        sub = subtree_draft(new, engine.vocab)
        draft = replaced(flat_of(engine, case), at, sub.prods, sub.words, sub.ids)
        cand = made[edit] = engine.drafted_case(case, path, new, draft)
    return cast("Case | None", cand)


def unweighted_tree(engine: Engine, symbol: int, depth: int) -> Tree | None:
    """A derivation of ``symbol`` (at ``depth``) drawn with the grammar's weights and the
    steering set aside, for a re-derivation whose weighted draw was judged already, once
    weighted draws have stalled in a weighted grammar (``fresh_random``); None otherwise.
    Under lopsided weights (``"tea" [1e300]`` beside 3,000 nouns of weight 1) the walk's
    re-derivations drew the favoured word each time, judged long ago, and its walkers
    stood still: 1,500 distinct nouns asked in 3,000 queries (2,000 without the weight)."""
    if not (engine.stalled and engine.sampler.weighted):
        return None
    uniform = engine.uniform_sampler
    return uniform.tree(symbol, uniform.max_depth - depth, engine.draws, None)


def drafted(engine: Engine, case: Case) -> dict[Any, Case | None]:
    """The drafts made from ``case`` so far, by their edit (path and new production, or path
    and new subtree): a walker that stays drafts mostly what it drafted before, and the same
    edit gives the same draft, the same object (its sentences known by identity:
    ``Engine.case_key``).  Kept across rounds with the case (``Engine.lasting``)."""
    made: dict[Any, Case | None] = engine.lasting("drafts", case, _new_drafts)
    return made


def _new_drafts(_case: Case) -> dict[Any, Case | None]:
    return {}


def _drafts_of(engine: Engine, case: Case, memo: dict[Any, Any] | None) -> dict[Any, Any]:
    """``drafted(engine, case)``, kept in ``memo`` (a walker's drafts of one round)."""
    if memo is None:
        return drafted(engine, case)
    made: dict[Any, Any] | None = memo.get(_UNMADE)
    if made is None:
        made = memo[_UNMADE] = drafted(engine, case)
    return made


def core_paths(engine: Engine, case: Case) -> set[tuple[int, ...]]:
    """Where the smallest known minimal error that ``case`` holds lies in its tree (its
    failing core): the paths of the nodes holding its words (matched leftmost, in order).
    Empty when ``case`` holds no known minimal error."""
    key = engine.known_core(case)
    if key is None:
        return set()
    first = key.split(_SEP)[0]
    if first.isascii() or rule() != BEYOND_ASCII:
        small, leaves = first.split(), _leaves(case.tree)
    else:  # (its words as the known errors' are: Chinese split into the grammar's words)
        small, leaves = engine._words.words(first), _pieces(case.tree, engine._words)
    paths: set[tuple[int, ...]] = set()
    at = 0
    for word in small:
        while at < len(leaves) and leaves[at][0] != word:
            at += 1
        if at == len(leaves):
            return set()
        paths.update(leaves[at][1])
        at += 1
    return paths


def _leaves(tree: Tree) -> list[tuple[str, list[tuple[int, ...]]]]:
    """The tokens of a tree's text as ``tree_text`` gives them (a word starting with a mark
    of punctuation joins the word before it, as do words ``spacing.glued`` joins), each with
    the paths of the nodes holding its parts."""
    out: list[tuple[str, list[tuple[int, ...]]]] = []
    _leaves_into(tree, (), out, rule() == BEYOND_ASCII)
    return out


def _pieces(tree: Tree, split: Words) -> list[tuple[str, list[tuple[int, ...]]]]:
    """The words of a tree's text as ``split`` gives them (Chinese: the grammar's words),
    each with the paths of the nodes holding its characters: each terminal's words found in
    the text in order (the text is they, a space or none between)."""
    text = tree_text(tree)
    owner: list[tuple[int, ...] | None] = [None] * len(text)
    at = 0
    for word, path in _terminal_words(tree, ()):
        i = text.find(word, at)
        if i < 0:  # (never: the text is its terminals' words)
            break
        owner[i : i + len(word)] = [path] * len(word)
        at = i + len(word)
    out: list[tuple[str, list[tuple[int, ...]]]] = []
    for word, lo, hi in split.spans(text):
        out.append((word, list(dict.fromkeys(p for p in owner[lo:hi] if p is not None))))
    return out


def _terminal_words(t: Tree, path: tuple[int, ...]) -> Iterator[tuple[str, tuple[int, ...]]]:
    for i, c in enumerate(t[1]):
        if c.__class__ is str:
            for word in c.split():
                yield word, path
        else:
            yield from _terminal_words(c, (*path, i))


def _leaves_into(
    t: Tree, path: tuple[int, ...], out: list[tuple[str, list[tuple[int, ...]]]], scripts: bool
) -> None:
    """``_leaves``'s walk: a function of the module, not a closure calling itself (that is a
    reference cycle, which the search's rounds, run with the collector paused and then
    frozen, would never free: tens of thousands a minute, with the lists they held)."""
    for i, c in enumerate(t[1]):
        if c.__class__ is str:
            for word in c.split():
                if out and (
                    word[:1] in _MARKS
                    or (
                        scripts
                        and not (word.isascii() and out[-1][0].isascii())
                        and glued(out[-1][0], word)
                    )
                ):
                    out[-1] = (out[-1][0] + word, [*out[-1][1], path])
                else:
                    out.append((word, [path]))
        else:
            _leaves_into(c, (*path, i), out, scripts)


_MARKS = frozenset(",.!?;:")


def _pick_cum(cum: list[float], u: float) -> int:
    """``_pick`` from the weights' cumulative sums."""
    return min(bisect.bisect_right(cum, u * cum[-1]), len(cum) - 1)


def _pick(weights: list[float], u: float) -> int:
    """The index drawn with probability proportional to ``weights`` by the uniform ``u`` (as
    ``searchsorted(cumsum(weights), u * sum, side="right")``, in plain Python: the lists are
    short)."""
    cum = list(itertools.accumulate(weights))
    return min(bisect.bisect_right(cum, u * cum[-1]), len(cum) - 1)
