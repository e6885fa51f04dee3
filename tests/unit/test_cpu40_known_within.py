"""``KnownErrors.within`` against a scan of every known error (cpu40: its candidates are now
filtered by their words in one comprehension before their signature and sentence count are
read): the smallest known error failing as asked whose every sentence is a subsequence of the
case's, ties by signature order then order found, on random errors and cases, both indexes
(cases of at most ``_PAIRED`` distinct words look under pairs, longer ones under words)."""

from __future__ import annotations

import random

from assay.text.known import _PAIRED, KnownErrors
from assay.text.shrink import _subsequence

SEP = "\x1f"


def _scan(added: list[tuple[str, str]], texts: list[str], sig: str | None) -> str | None:
    """The smallest known error held by ``texts`` failing as ``sig``, by a scan of them all."""
    order: dict[str, int] = {}
    for _key, s in added:
        order.setdefault(s, len(order))
    split = [t.split() for t in texts]
    best: tuple[int, int, int] | None = None
    for i, (key, s) in enumerate(added):
        words = [t.split() for t in key.split(SEP)]
        if len(words) != len(split) or (sig is not None and s != sig):
            continue
        if all(_subsequence(w, t) for w, t in zip(words, split, strict=True)):
            rank = (sum(len(w) for w in words), order[s], i)
            best = rank if best is None or rank < best else best
    return None if best is None else added[best[2]][0]


def test_within_gives_what_a_scan_of_every_known_error_gives() -> None:
    rnd = random.Random(40)
    vocab = [f"w{i}" for i in range(30)]
    known = KnownErrors()
    added: list[tuple[str, str]] = []
    short = long = hits = 0
    for _ in range(1500):
        if rnd.random() < 0.25:
            n_texts = rnd.choice((1, 1, 2))
            key = SEP.join(
                " ".join(rnd.choice(vocab) for _ in range(rnd.randint(1, 5)))
                for _ in range(n_texts)
            )
            sig = rnd.choice("xy")
            known.add(key, sig, SEP)
            added.append((key, sig))
        n_texts = rnd.choice((1, 1, 2))
        texts = [
            " ".join(rnd.choice(vocab) for _ in range(rnd.randint(2, 24))) for _ in range(n_texts)
        ]
        ask = rnd.choice(("x", "y", None, "z"))
        want = _scan(added, texts, ask)
        assert known.within(texts, ask) == want, (texts, ask)
        distinct = len({w for t in texts for w in t.split()})
        short += distinct <= _PAIRED
        long += distinct > _PAIRED
        hits += want is not None
    assert short > 200 and long > 200 and hits > 200  # both indexes, and many found
