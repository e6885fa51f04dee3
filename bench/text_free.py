"""What issue 9's share would be if a part of the walk cost nothing (prints; not a test).

A default walk run (one seed, the classifiers in their worker, as ``bench/text.py`` runs it)
is replayed on two idle cores as ``bench/text.py`` does (``Overlap``), as measured and with
the search's CPU inside the chosen parts taken out of its schedule: every batch sent or
waited for inside or after them moves earlier by the CPU they had spent so far.  So it says
what a kernel making that part free could give at most, with or without the fixed cost of
loading one (numba's import and a cached kernel module: ~0.56 s of CPU, perf49):

    ASSAY_COMPILED=0 python bench/text_free.py --free propose
    ASSAY_COMPILED=0 python bench/text_free.py --free propose findings evaluate --fixed 0 0.56

The parts are hooked on their Python methods, so the pure build only (a compiled build calls
them past the hooks: refused).  Parts: ``propose`` (the walk's drafting and moves),
``findings`` (shrinking, known-minimal checks, findings), ``evaluate`` (keys, counts,
statistics, judging).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from assay.text.api import check_text, setup_text
from text import PAIRS, Overlap, _models, search_code  # bench/text.py (this directory)

PARTS = {
    "propose": ("assay.text.strategies", "WalkStrategy", "propose"),
    "findings": ("assay.text.engine", "Engine", "_findings"),
    "evaluate": ("assay.text.engine", "Engine", "evaluate"),
}


class Freed:
    """The search's CPU spent inside the hooked parts (outermost calls only: a part calling
    another is counted once), read at any moment, the call under way included."""

    def __init__(self, clock: Any = time.thread_time) -> None:
        self.clock = clock
        self.spent = 0.0
        self.depth = 0
        self.began = 0.0
        self._undo: list[tuple[Any, str, Any]] = []

    def now(self) -> float:
        if self.depth:
            return self.spent + (self.clock() - self.began)
        return self.spent

    def wrap(self, owner: Any, attr: str) -> None:
        orig = getattr(owner, attr)
        me = self

        def freed(*args: Any, **kwargs: Any) -> Any:
            me.depth += 1
            if me.depth == 1:
                me.began = me.clock()
            try:
                return orig(*args, **kwargs)
            finally:
                me.depth -= 1
                if me.depth == 0:
                    me.spent += me.clock() - me.began

        setattr(owner, attr, freed)
        self._undo.append((owner, attr, orig))

    def restore(self) -> None:
        for owner, attr, orig in reversed(self._undo):
            setattr(owner, attr, orig)
        self._undo = []


class Shifted(list[tuple[str, float, int]]):
    """The replay's events, each also kept moved earlier by the freed CPU so far."""

    def __init__(self, freed: Freed) -> None:
        super().__init__()
        self.freed = freed
        self.moved: list[tuple[str, float, int]] = []

    def append(self, event: tuple[str, float, int]) -> None:
        super().append(event)
        kind, t, j = event
        self.moved.append((kind, t - self.freed.now(), j))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pair", default="a", choices=sorted(PAIRS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--free", nargs="+", choices=sorted(PARTS), default=["propose"])
    ap.add_argument("--fixed", type=float, nargs="+", default=[0.0, 0.56])
    args = ap.parse_args()
    code = search_code()
    if not code.startswith("pure"):
        raise SystemExit(
            f"the parts are hooked on their Python methods: run it with "
            f"ASSAY_COMPILED=0 (the search code is {code})"
        )
    import importlib

    freed = Freed()
    for part in args.free:
        module, cls, attr = PARTS[part]
        freed.wrap(getattr(importlib.import_module(module), cls), attr)
    models = _models(args.pair)
    with tempfile.TemporaryDirectory() as d:
        c0 = time.process_time()
        setup = setup_text(models, names=list(PAIRS[args.pair]), grammar="builtin:reviews")
        overlap = Overlap()
        overlap.install()
        events = overlap.events = Shifted(freed)
        try:
            r = check_text(
                setup=setup,
                max_queries=args.queries,
                seed=args.seed,
                store=Path(d) / "s.db",
            )
        finally:
            overlap.restore()
            freed.restore()
        cpu = time.process_time() - c0  # the search process's (as bench/text.py replays)
    n = max(r.progress["queries"], 1)
    print(
        f"{code}; pair ({args.pair}) seed {args.seed}, {n:,} queries, load {os.getloadavg()[0]:.1f}"
    )
    got = overlap.replay(cpu)
    if got is None:
        raise SystemExit("nothing was sent to the classifiers' worker: no replay")
    print(
        f"  as measured: replayed {got[1]:.0%} in {got[0]:.2f} s, the search waited "
        f"{overlap.waited:.2f} s; in {'+'.join(args.free)}: {freed.spent:.2f} s of CPU "
        f"({1e6 * freed.spent / n:.0f} us/query)"
    )
    overlap.events = events.moved
    for fixed in args.fixed:
        wall, share = overlap.replay(cpu - freed.spent + fixed) or (0.0, 0.0)
        print(
            f"  {'+'.join(args.free)} free, {fixed:.2f} s of fixed CPU added: replayed "
            f"{share:.0%} in {wall:.2f} s, the search waited {overlap.waited:.2f} s"
        )


if __name__ == "__main__":
    main()
