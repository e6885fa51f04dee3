"""The word ids a known-error check reads, made both ways (prints; not a test).

Records the cases a run of pair (a) checks against its known minimal errors
(``Engine._known_within``), then makes each case's ids both ways, CPU ns a check (min of 9):
the texts route (the case's sentence, remembered by the engine, split and each word looked up:
``KnownErrors.within``'s reading) and the ids route (``Vocab.rendered`` of its draft's ids:
``within_ids``' reading, what the engine uses), and checks they are equal::

    PYTHONPATH=src ASSAY_COMPILED=0 python bench/text_known_ids.py --seed 1 --queries 20000

Run it under each build (``ASSAY_COMPILED=0`` for the pure one).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from text_cpu import runner  # bench/text_cpu.py (this script's directory is on the path)


def best_ns(fn: Callable[[], None], n: int, reps: int = 9) -> float:
    best = float("inf")
    for _ in range(reps):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best / max(n, 1) * 1e9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=int, default=20_000)
    args = ap.parse_args()
    os.environ.setdefault("ASSAY_TEXT_WORKER", "inline")
    from assay.text import engine as E
    from assay.text import vocab as V

    cases: list[Any] = []
    engines: list[Any] = []
    original = E.Engine._known_within

    def record(self: Any, case: Any, sig: str | None) -> str | None:
        if not engines:
            engines.append(self)
        if len(self._known) and case.draft is not None and case.draft.ids is not None:
            cases.append(case)
        return original(self, case, sig)

    E.Engine._known_within = record  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            runner("a", args.queries, Path(tmp))(args.seed)
    finally:
        E.Engine._known_within = original  # type: ignore[method-assign]
    engine = engines[0]
    texts = [engine.texts(c) for c in cases]  # (remembered in a run: made before the check)
    drafts = [c.draft.ids for c in cases]
    split, get, rendered = engine._words.words, engine.vocab.ids.get, engine.vocab.rendered

    def by_texts() -> None:
        for tx in texts:
            [[get(w, -1) for w in split(t)] for t in tx]

    def by_ids() -> None:
        for d in drafts:
            [rendered(d)]

    same = all(
        [rendered(d)] == [[get(w, -1) for w in split(t)] for t in tx]
        for d, tx in zip(drafts, texts, strict=True)
    )
    build = "compiled" if str(V.__file__).endswith((".so", ".pyd")) else "pure"
    a1, b1 = best_ns(by_texts, len(cases)), best_ns(by_ids, len(cases))
    a2, b2 = best_ns(by_texts, len(cases)), best_ns(by_ids, len(cases))
    print(
        f"{len(cases):,} checks, vocab {build}, equal {same}: texts route {a1:.0f}, {a2:.0f} ns;"
        f" ids route {b1:.0f}, {b2:.0f} ns; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
