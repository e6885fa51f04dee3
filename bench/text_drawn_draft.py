"""perf53b: a re-derivation's productions and words as drawn (``Sampler.tree_drafted``)
against the walk of the drawn tree they replace (``flat.subtree_draft``), both on every
draw of whole runs of ``text_cpu.py``, compared and timed.

    PYTHONPATH=src ASSAY_COMPILED=0 python bench/text_drawn_draft.py --pair a --seeds 1 \\
        --queries 20000 --digest

Each draw is made twice from the same state of the draws: by ``tree_drafted``, then by
``tree`` and ``subtree_draft`` (main's route, whose draws are kept); the trees, productions,
words and the draws' state after must be equal (else the run stops).  The pure build only
(``Sampler`` is patched)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["ASSAY_COMPILED"] = "0"

import text_cpu
from assay.text.flat import subtree_draft
from assay.text.generate import Draws, Sampler

NS = {"drawn": 0, "walked": 0, "calls": 0}


def main() -> None:
    inner = Sampler.tree_drafted

    def checked(self: Sampler, s: int, budget: int, draws: Draws, bias: Any) -> Any:
        left, bits = list(draws._left), draws.rng.bit_generator.state
        t2 = time.perf_counter_ns()
        got = inner(self, s, budget, draws, bias)
        t3 = time.perf_counter_ns()
        after = list(draws._left), draws.rng.bit_generator.state
        draws._left[:] = left  # (the same list: ``next`` pops it by a bound method)
        draws.rng.bit_generator.state = bits
        t0 = time.perf_counter_ns()
        old = self.tree(s, budget, draws, bias)
        sub = subtree_draft(old)
        t1 = time.perf_counter_ns()
        if (list(draws._left), draws.rng.bit_generator.state) != after:
            raise SystemExit("the two routes drew differently")
        if got[0] != old or got[1] != sub.prods or tuple(got[2]) != sub.words:
            raise SystemExit(f"drawn {got} != walked {old}, {sub.prods}, {sub.words}")
        NS["walked"] += t1 - t0
        NS["drawn"] += t3 - t2
        NS["calls"] += 1
        return got

    Sampler.tree_drafted = checked  # type: ignore[method-assign]
    try:
        text_cpu.main()
    finally:
        Sampler.tree_drafted = inner  # type: ignore[method-assign]
        n = max(1, NS["calls"])
        print(
            f"re-derivations, {NS['calls']} draws, every one equal: drawn with its draft "
            f"{NS['drawn'] / n / 1000:.2f} us a draw, drawn then walked "
            f"{NS['walked'] / n / 1000:.2f}"
        )


if __name__ == "__main__":
    main()
