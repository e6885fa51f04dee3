"""Grammars and classifiers from the wild, timed: a grammar of 10,000 terminals (load, and
5,000 queries per strategy), one of a handful of sentences (every strategy must stop when all
were asked, not spin for its budget), and an invariance class of 10,000 names.

    PYTHONPATH=src python bench/text_wild.py [--quick]

Prints one line per run: what, strategy, wall-clock seconds of the whole call (loading
included), queries, findings, and the headline's end.  The classifiers are small Python
functions answering labels by name ("pos"/"neg", no ``classes_``), so the time is the
search's own.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import assay
from assay.text.grammar import load_grammar


def tail7(batch: list[str]) -> list[str]:
    """Biased against a tenth of the names (those ending in 7), else by the quality word."""
    return [
        "neg" if "bad" in s or any(w.endswith("7") for w in s.split()) else "pos" for s in batch
    ]


def quality(batch: list[str]) -> list[str]:
    return ["neg" if "bad" in s else "pos" for s in batch]


def parity(batch: list[str]) -> list[str]:
    return ["neg" if len(s) % 2 else "pos" for s in batch]


def main() -> None:
    quick = "--quick" in sys.argv
    budget = 1_000 if quick else 5_000
    folder = Path(tempfile.mkdtemp(prefix="assay-wild-"))
    store = folder / "runs.db"
    names = " | ".join(f'"w{i}"' for i in range(10_000))
    big = folder / "big.cfg"
    big.write_text(f'S -> "the" N "is" Q\nN -> {names}\nQ -> "good" | "bad"\n%invariant N\n')
    tiny = folder / "tiny.cfg"
    tiny.write_text('S -> N "was" Q\nN -> "it" | "this"\nQ -> "good" | "bad" | "okay"\n')
    t0 = time.perf_counter()
    load_grammar(big)
    print(f"load, 10,000 terminals: {time.perf_counter() - t0:.2f} s")

    def run(what: str, models: object, grammar: Path, **kw: object) -> None:
        t = time.perf_counter()
        r = assay.check_text(models, grammar=grammar, seed=1, store=store, **kw)
        took = time.perf_counter() - t
        print(
            f"{what:<34} {kw.get('strategy', 'walk'):<10} {took:6.2f} s "
            f"{int(r.progress.get('queries') or 0):>6} queries {r.n_findings:>5} findings | "
            f"{r.headline.split('; ')[-1][:70]}"
        )

    for strategy in ("walk", "random", "ogma", "exhaustive"):
        run("10,000 terminals, differential", [quality, parity], big, strategy=strategy,
            max_queries=budget)  # fmt: skip
    for strategy in ("walk", "random", "ogma", "exhaustive"):
        run("6 sentences, budget 1,000,000", [quality, parity], tiny, strategy=strategy,
            max_queries=1_000_000)  # fmt: skip
    for what, fn in (("10,000 names, biased", tail7), ("10,000 names, fair", quality)):
        run(what, fn, big, oracle="invariance", max_queries=budget)


if __name__ == "__main__":
    main()
