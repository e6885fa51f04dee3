"""How often a noisy classifier pair's run exits 1 (left47t).

A pair judging alike (``a``) against one flipping a share of its answers at random: with no
real disagreement (``--kind noise``) every finding is noise, and an exit 1 is a false
finding; with a planted one (``--kind real``: ``b`` answers "... not good" as positive) an
exit 1 is the bug found.  Prints each run's exit code, findings asked again and held, the
start's check, and whether the headline says "they may all be noise"; then the count of
each exit code.

    PYTHONPATH=src python bench/text_noise_exit.py --kind noise --flip 0.05 --seeds 10
"""

from __future__ import annotations

import argparse
import random
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import assay
from assay.core.store import RunStore
from assay.core.verdict import run_verdict

GRAMMAR = """S -> subj verb adj tail
subj -> "the food" | "the service" | "the staff" | "the room" | "the view"
verb -> "was" | "was not" | "seemed" | "was really" | "was never"
adj -> "good" | "bad" | "great" | "awful" | "fine" | "nice"
tail -> "" | "today" | "again" | "," "but" subj "was" adj
"""
POSITIVE = {"good", "great", "fine", "nice"}


def judged(sentence: str) -> str:
    """The first clause's adjective, turned by "not"/"never"."""
    words = sentence.replace(",", " ,").split()
    first = words[: words.index(",")] if "," in words else words
    adjective = [w for w in first if w in POSITIVE or w in {"bad", "awful"}][-1]
    positive = (adjective in POSITIVE) != ("not" in first or "never" in first)
    return "pos" if positive else "neg"


def planted(sentence: str) -> str:
    words = sentence.replace(",", " ,").split()
    return "pos" if "not" in words and "good" in words else judged(sentence)


def pair(kind: str, flip: float, seed: int) -> list[Callable[[list[str]], list[str]]]:
    dice = random.Random(seed * 7919 + 1)
    truth = judged if kind == "noise" else planted

    def a(batch: list[str]) -> list[str]:
        return [judged(s) for s in batch]

    def b(batch: list[str]) -> list[str]:
        out = []
        for s in batch:
            label = truth(s)
            if dice.random() < flip:
                label = "neg" if label == "pos" else "pos"
            out.append(label)
        return out

    a.classes_ = b.classes_ = ["neg", "pos"]  # type: ignore[attr-defined]
    return [a, b]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=["noise", "real"], default="noise")
    parser.add_argument("--flip", type=float, default=0.05)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--queries", type=int, default=1500)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    codes: list[int] = []
    with tempfile.TemporaryDirectory() as folder:
        grammar = Path(folder) / "g.cfg"
        grammar.write_text(GRAMMAR, encoding="utf-8")
        for seed in range(1, args.seeds + 1):
            store = Path(folder) / f"s{seed}.db"
            result = assay.check_text(
                pair(args.kind, args.flip, seed), grammar=str(grammar),
                max_queries=args.queries, seed=seed, store=store,
            )  # fmt: skip
            code = run_verdict(RunStore(store, read_only=True), result.run_id).code
            determinism = result.summary.get("determinism") or {}
            replayed, probe = determinism.get("replayed") or {}, determinism.get("probe") or {}
            codes.append(code)
            print(
                f"{args.kind} flip {args.flip} seed {seed}: exit {code}, asked again "
                f"{replayed.get('findings', 0)}, held {replayed.get('held', 0)}, start "
                f"{probe.get('changed')}/{probe.get('sentences')} changed, said noise "
                f"{'they may all be noise' in result.headline}",
                flush=True,
            )
    print(
        f"{args.kind} flip {args.flip}: exit 1 in {codes.count(1)} of {len(codes)}, "
        f"exit 2 in {codes.count(2)}, exit 0 in {codes.count(0)}"
    )


if __name__ == "__main__":
    main()
