"""A suite's floor (text35b): per test, the cases judged, failing and distinct minimal, with
and without the floor, for the walk and random, at one budget (prints; not a test).

The suite: the built-in reviews grammar with three ``%expect`` lines, against
``tests/fixtures/text_fakes.py:negation_blind`` (its directional test fails on every case;
``%expect good -> 1`` on about a sixth):

    PYTHONPATH=src python bench/text_suite_floor.py --queries 6000 --seeds 11 1 2

Each row: strategy, floor (per test; 0: none, as before text35b), seed, then per test
``cases/failing/distinct minimal``, then the run's distinct minimal failing sentences and
its errors per 1,000 queries.  (text36: the floor also keeps a share of every round beside
the walk; run the script with main's ``src`` for the figures before.)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "fixtures"))
os.environ.setdefault("ASSAY_TEXT_WORKER", "inline")

EXPECT = '%expect good -> 1\n%expect bad -> 0\n%expect neg: "not" -> not 1\n'


def main() -> None:
    from text_fakes import negation_blind

    from assay.core.store import RunStore
    from assay.text.api import check_text
    from assay.text.builtin_grammars import builtin_grammar_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=6000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 1, 2])
    parser.add_argument("--floors", type=int, nargs="+", default=[0, 100])
    parser.add_argument("--strategies", nargs="+", default=["walk", "random"])
    args = parser.parse_args()
    grammar = builtin_grammar_path("reviews").read_text() + EXPECT
    header = False
    for seed in args.seeds:
        for strategy in args.strategies:
            for floor in args.floors:
                with tempfile.TemporaryDirectory() as folder:
                    result = check_text(
                        negation_blind,
                        grammar=grammar,
                        oracle="suite",
                        max_queries=args.queries,
                        seed=seed,
                        strategy=strategy,
                        floor=floor,
                        store=RunStore(Path(folder) / "s.db"),
                    )
                text = result.summary["text"]
                if not header:
                    names = " | ".join(t["test"] for t in text["tests"])
                    print(
                        f"| strategy | floor | seed | {names} | distinct minimal "
                        "| errors per 1,000 queries of the search phase only |"
                    )
                    header = True
                cells = " | ".join(
                    f"{t['cases']}/{t['failing']}/{t['distinct minimal']}" for t in text["tests"]
                )
                rate = result.summary["metrics"][
                    "errors per 1,000 queries of the search phase only"
                ]
                print(
                    f"| {strategy} | {floor} | {seed} | {cells} | {text['distinct_minimal']} "
                    f"| {rate} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
