"""What issue 9's share would be if a part of the walk cost nothing (prints; not a test).

A default walk run (one seed, the classifiers in their worker, as ``bench/text.py`` runs it)
is replayed on two idle cores as ``bench/text.py`` does (``Overlap``), as measured and with
the search's CPU inside the chosen parts taken out of its schedule: every batch sent or
waited for inside or after them moves earlier by the CPU they had spent so far.  So it says
what a kernel making that part free could give at most, with or without the fixed cost of
loading one (numba's import and a cached kernel module: ~0.56 s of CPU, perf49):

    ASSAY_COMPILED=0 python bench/text_free.py --free propose
    ASSAY_COMPILED=0 python bench/text_free.py --free propose findings evaluate --fixed 0 0.56

A part may be made cheaper rather than free: ``PART=S`` takes the share ``S`` of its CPU out
(``propose=0.45``: drafting as the compiled build has it, 55 % of the pure CPU, perf48), so
that what a kernel of another part would add to the compiled build can be read:

    ASSAY_COMPILED=0 python bench/text_free.py --free propose=0.45 evaluate=0.3 findings=1

The parts are hooked on their Python methods, so the pure build only (a compiled build calls
them past the hooks: refused).  Parts: ``propose`` (the walk's drafting and moves),
``findings`` (shrinking, known-minimal checks, findings), ``evaluate`` (keys, counts,
statistics, judging), parts of those: ``shrink`` (``Shrinker.shrink``: its candidates
and their judging), ``candidates`` (shrinking's candidates of a case), ``known``
(``KnownErrors.within``), ``judge`` (the oracle's verdicts), ``entry`` (a case's sentences
and keys), ``dispatch`` (``Dispatch._predict``: the batches' bookkeeping), ``stats`` (a
new case's productions and words), ``observe`` (the walk's learning from a round),
``submit`` and ``cached`` (the budgeted model's calls: new sentences, and those looked up in
its cache); and the pipe to the worker, ``send`` and ``read``.  Each stretch of CPU is the
innermost hooked part's: a part hooked inside another keeps its own share.
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
    # parts of those (hooked alone, or counted as the outer part they run in)
    "candidates": ("assay.text.shrink", "Shrinker", "_candidates"),  # shrinking's
    "known": ("assay.text.known", "KnownErrors", "within"),  # known-minimal checks
    "judge": ("assay.text.oracle", "Oracle", "judge"),  # the oracle's verdicts
    "entry": ("assay.text.engine", "Engine", "_entry"),  # a case's sentences and keys
    "shrink": ("assay.text.shrink", "Shrinker", "shrink"),  # shrinking (its judging too)
    # the pipe to the classifiers' worker (sending a batch; reading answers): CPU no kernel
    # of the search takes away (``send=0 read=0`` keeps it inside freed parts)
    "dispatch": ("assay.text.dispatch", "Dispatch", "_predict"),  # sending, reading, waits
    "stats": ("assay.text.engine", "", "_stats_of"),  # a new case's productions and words
    "observe": ("assay.text.strategies", "WalkStrategy", "observe"),  # the walk's learning
    # the budgeted model's calls (counting, its cache of answers, submitting)
    "submit": ("assay.core.budget", "BudgetedModel", "submit_new"),
    "cached": ("assay.core.budget", "BudgetedModel", "predict"),
    "send": ("assay.text.pipeline", "PanelWorker", "_send"),
    "read": ("assay.text.pipeline", "PanelWorker", "_take"),
}


class Freed:
    """The search's CPU spent inside the hooked parts, each stretch charged to the innermost
    hooked part running (a part called inside another is its own, and the outer one's CPU
    is what it spends outside it; a part calling itself is counted once), read at any
    moment, the call under way included: ``spent`` in all, ``now()`` the share of it taken
    out (each stretch's CPU times its part's share: 1 made free, 0.45 made 55 % as costly,
    0 kept as it is: ``send=0`` inside a freed ``evaluate`` keeps the pipe's CPU)."""

    def __init__(self, clock: Any = time.thread_time) -> None:
        self.clock = clock
        self.spent = 0.0
        self.taken = 0.0  # the shares taken out of ``spent``, stretches ended
        self.by_part: dict[str, float] = {}  # CPU per part, stretches ended
        self.began = 0.0  # where the running stretch began
        self._stack: list[tuple[str, float]] = []  # the hooked calls under way (part, share)
        self._undo: list[tuple[Any, str, Any]] = []

    @property
    def depth(self) -> int:
        return len(self._stack)

    def now(self) -> float:
        if self._stack:
            return self.taken + self._stack[-1][1] * (self.clock() - self.began)
        return self.taken

    def _close(self) -> None:
        """End the running stretch (charged to the innermost part) and begin the next."""
        t = self.clock()
        if self._stack:
            part, share = self._stack[-1]
            spent = t - self.began
            self.spent += spent
            self.taken += share * spent
            self.by_part[part] = self.by_part.get(part, 0.0) + spent
        self.began = t

    def wrap(self, owner: Any, attr: str, share: float = 1.0, name: str | None = None) -> None:
        orig = getattr(owner, attr)
        me = self
        part = name or attr

        def freed(*args: Any, **kwargs: Any) -> Any:
            me._close()
            me._stack.append((part, share))
            try:
                return orig(*args, **kwargs)
            finally:
                me._close()
                me._stack.pop()

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
    ap.add_argument(
        "--free",
        nargs="+",
        type=_part,
        default=[("propose", 1.0)],
        metavar="PART[=SHARE]",
        help=f"parts ({', '.join(sorted(PARTS))}), each with the share of its CPU taken out",
    )
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
    for part, share in args.free:
        module, cls, attr = PARTS[part]
        owner = importlib.import_module(module)
        freed.wrap(getattr(owner, cls) if cls else owner, attr, share, part)
    said = "+".join(p if s == 1.0 else f"{p}={s:g}" for p, s in args.free)
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
        f"{overlap.waited:.2f} s; in {said}: {freed.spent:.2f} s of CPU "
        f"({1e6 * freed.spent / n:.0f} us/query: "
        + ", ".join(f"{p} {1e6 * t / n:.0f}" for p, t in freed.by_part.items())
        + f"), {freed.taken:.2f} s of it taken out"
    )
    overlap.events = events.moved
    for fixed in args.fixed:
        wall, share = overlap.replay(cpu - freed.taken + fixed) or (0.0, 0.0)
        print(
            f"  {said} taken out, {fixed:.2f} s of fixed CPU added: replayed "
            f"{share:.0%} in {wall:.2f} s, the search waited {overlap.waited:.2f} s"
        )


def _part(text: str) -> tuple[str, float]:
    """``PART`` or ``PART=SHARE`` (the share of its CPU taken out, 0 to 1)."""
    name, _, share = text.partition("=")
    if name not in PARTS:
        raise argparse.ArgumentTypeError(f"{name!r}: a part is one of {', '.join(sorted(PARTS))}")
    try:
        value = float(share) if share else 1.0
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: the share is a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r}: the share is from 0 to 1")
    return name, value


if __name__ == "__main__":
    main()
