"""perf53's parts of a draft, old route against new, on one run's own drafts (prints; not a
test): a draft's sentence (``flat.text``: ``detok`` of its words joined, against
``Vocab.text``: its words' pieces joined), its case (``Case(tree, draft=...)`` against the
engine's fields set directly) and a walker's keepable subtrees (numpy's ``reduceat`` over
their ranges, against the plain loop), each checked equal, CPU per call, min of ``--reps``:

    python bench/text_draft_parts.py --queries 20000 --reps 7

The drafts and keepable calls are those of pair (a)'s walk, seed 1 (``Engine.drafted_case``
and ``walk._keepable`` recorded during the run; the classifiers answer inline).
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from text_cpu import runner  # bench/text_cpu.py (this script's directory is on the path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--reps", type=int, default=7)
    args = ap.parse_args()
    os.environ["ASSAY_TEXT_WORKER"] = "inline"
    from assay.text import engine as engine_mod
    from assay.text import walk
    from assay.text.flat import text as flat_text
    from assay.text.oracle import Case

    drafts: list[tuple[Any, Any, Any]] = []  # (engine, tree made, draft)
    keeps: list[tuple[Any, Any, np.ndarray]] = []
    drafted_case, keepable = engine_mod.Engine.drafted_case, walk._keepable

    def record_draft(self: Any, case: Any, path: Any, new: Any, draft: Any) -> Any:
        made = drafted_case(self, case, path, new, draft)
        if made is not None:
            drafts.append((self, made, draft))
        return made

    def record_keep(engine: Any, case: Any, bias: np.ndarray) -> Any:
        keeps.append((engine, case, bias))
        return keepable(engine, case, bias)

    engine_mod.Engine.drafted_case = record_draft  # type: ignore[method-assign]
    walk._keepable = record_keep
    try:
        with tempfile.TemporaryDirectory() as tmp:
            runner("a", args.queries, Path(tmp))(1)
    finally:
        engine_mod.Engine.drafted_case = drafted_case  # type: ignore[method-assign]
        walk._keepable = keepable
    engine = drafts[0][0]
    vocab = engine.vocab
    made = [(m.tree, d) for _, m, d in drafts]
    assert all(vocab.text(d.ids) == flat_text(d) for _, d in made)

    def fast_case(tree: Any, draft: Any) -> Any:  # (the engine's lines, as a function)
        c = object.__new__(Case)
        f = c.__dict__
        f["tree"], f["focus"], f["relation"], f["draft"] = tree, None, -1, draft
        return c

    assert all(fast_case(t, d) == Case(t, draft=d) for t, d in made[:2000])

    def old_keep(e: Any, case: Any, bias: np.ndarray) -> list[Any]:
        spots = walk._movable(e, case)
        if not spots:
            return []
        flat = walk.flat_of(e, case)
        prods = np.asarray([*flat.prods, 0], dtype=np.int64)
        bounds = np.asarray([x for s in spots for x in (s[3], flat.end[s[3]])], dtype=np.int64)
        top = np.maximum.reduceat(bias[prods], bounds)[::2]
        return [s for s, ok in zip(spots, (top <= 1.0).tolist(), strict=True) if ok]

    def new_keep(e: Any, case: Any, bias: np.ndarray) -> list[Any]:
        return keepable(e, case, bias)  # type: ignore[no-any-return]

    assert all(old_keep(*k) == new_keep(*k) for k in keeps)
    for _, case, _ in keeps:  # (each case's movable spots and flat made once, as in a run)
        walk._movable(engine, case)
    gc.collect()
    gc.disable()  # (as the search's rounds run)

    def best(work: Callable[[], object], n: int) -> float:
        out = float("inf")
        for _ in range(args.reps):
            c0 = time.process_time()
            work()
            out = min(out, time.process_time() - c0)
        return 1e9 * out / max(n, 1)

    n = len(made)
    print(f"{n:,} drafts made, {len(keeps):,} keepable calls; load {os.getloadavg()[0]:.2f}")
    rows = [
        ("sentence: flat.text", lambda: [flat_text(d) for _, d in made], n),
        ("sentence: Vocab.text", lambda: [vocab.text(d.ids) for _, d in made], n),
        ("case: Case(tree, draft=)", lambda: [Case(t, draft=d) for t, d in made], n),
        ("case: fields set", lambda: [fast_case(t, d) for t, d in made], n),
        ("keepable: reduceat", lambda: [old_keep(*k) for k in keeps], len(keeps)),
        ("keepable: plain loop", lambda: [new_keep(*k) for k in keeps], len(keeps)),
    ]
    q = args.queries
    for label, work, count in rows:
        ns = best(work, count)
        print(f"  {label:<28}{ns:>9.0f} ns a call   {ns * count / q / 1e3:>6.2f} us/query")
    print(f"load {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
