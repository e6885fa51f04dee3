"""Benchmark: what one large ``%invariant`` class costs a text run (prints figures; not a test).

A grammar of one rule of N nouns (``%invariant N``: every noun for every other), a label
classifier, ``assay text ... --max-queries Q --report``, run by the command line in a child
process: its wall clock, its maximum resident memory (and per noun), the store's size, its
free pages (a rewritten config leaves its old pages free) and what the run wrote to disk.

    python bench/text_large_grammar.py                      # 900,000 nouns (13 MB), 2,000 queries
    python bench/text_large_grammar.py --nouns 200000 --queries 500

(text31, 2026-12-05, load 11-12, back to back: main 55.4 s, 1,046 MB, store 30.5 MB of which
15.2 MB free, 284 MB written; text31 25.4 s, 555 MB, store 15.3 MB, none free, 31 MB written.)
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CLASSIFIER = (
    "def f(batch):\n"
    "    return ['neg' if 'bad' in s else 'pos' for s in batch]\n"
    "f.classes_ = ['neg', 'pos']\n"
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nouns", type=int, default=900_000)
    ap.add_argument("--queries", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        nouns = " | ".join(f'"word{i}"' for i in range(args.nouns))
        grammar = f'S -> "the" N "is" A\nN -> {nouns}\nA -> "good" | "bad"\n%invariant N\n'
        (where / "g.cfg").write_text(grammar, encoding="utf-8")
        (where / "m.py").write_text(CLASSIFIER, encoding="utf-8")
        store = where / "runs.db"
        command = [
            sys.executable, "-m", "assay", "text", f"{where}/m.py:f", "--grammar",
            str(where / "g.cfg"), "--oracle", "invariance", "--max-queries",
            str(args.queries), "--seed", str(args.seed), "--store", str(store),
            "--report", str(where / "r.json"), "--quiet",
        ]  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            sys.exit(f"the run failed ({done.returncode}): {done.stderr[-2000:]}")
        db = sqlite3.connect(store)
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            (pages,) = db.execute("PRAGMA page_count").fetchone()
            (free,) = db.execute("PRAGMA freelist_count").fetchone()
            (size,) = db.execute("PRAGMA page_size").fetchone()
        finally:
            db.close()
        rss = usage.ru_maxrss * 1024  # (kilobytes on Linux)
        size_mb = len(grammar) / 1e6
        print(f"grammar: {args.nouns:,} nouns, {size_mb:.1f} MB; {args.queries:,} queries")
        print(f"wall clock: {seconds:.1f} s (load {os.getloadavg()[0]:.2f})")
        print(f"max resident memory: {rss / 2**20:,.0f} MB ({rss / args.nouns:,.0f} B a noun)")
        print(f"store: {pages * size / 1e6:.1f} MB, free pages {free * size / 1e6:.1f} MB")
        print(f"written to disk: {usage.ru_oublock * 512 / 1e6:,.0f} MB")


if __name__ == "__main__":
    main()
