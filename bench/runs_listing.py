"""Benchmark of listing a store of thousands of runs, as months of CI jobs leave it.

Makes one fairness run (a small in-memory model and table), copies its rows under new ids
and dates until the store holds ``--runs`` runs, then times ``assay runs --limit LIMIT`` in a
fresh process (wall seconds, peak RSS), and the listing's reading of the runs against the
baseline measured in the same run: reading every listed run whole (config, model, versions,
progress, summary), as ``assay runs`` did before it read only what it prints (seconds, peak
memory traced).  Then ``assay runs --json --limit LIMIT`` (every run whole) the same way, and
its writing of the JSON (one run read and written at a time, through a spool) against the
baseline: every run read, then one document dumped (seconds, peak memory traced).

    python bench/runs_listing.py                 # 3,000 runs, --limit 1000
    python bench/runs_listing.py --runs 600 --limit 600
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _make(path: Path, runs: int) -> None:
    import numpy as np
    import pandas as pd

    import assay

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, 400),
            "sex": rng.choice(["F", "M"], 400),
            "hours": rng.integers(1, 80, 400),
        }
    )

    def model(rows: object) -> np.ndarray:
        x = pd.DataFrame(rows, columns=["age", "sex", "hours"])
        men = x["sex"].to_numpy() == "M"
        return ((x["hours"].to_numpy(float) > 40) | (men & (x["age"].to_numpy(float) > 50))).astype(
            int
        )

    first = assay.check_fairness(
        model, data=frame, protected=["sex"], max_queries=5_000, seed=1, store=path
    )
    db = sqlite3.connect(path)
    start = time.time() - 86_400 * 90
    with db:
        for k in range(runs - 1):
            new = f"fairness-bench-{k:05d}"
            when = start + k * 3_600
            db.execute(
                "INSERT INTO runs SELECT ?, technique, status, seed, command, config, model,"
                " versions, progress, summary, error, ?, ? FROM runs WHERE id=?",
                (new, when, when, first.run_id),
            )
            db.execute(
                "INSERT INTO tallies SELECT ?, data FROM tallies WHERE run_id=?",
                (new, first.run_id),
            )
    db.close()


def _timed(args: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and output lines of ``python -m assay ARGS``."""
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", _PEAK, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    out, err = proc.communicate()
    wall = time.monotonic() - began
    peak = float(err.strip().splitlines()[-1])
    return wall, peak, len(out.splitlines())


# runs the command, then prints its peak RSS on stderr (VmHWM, MB)
_PEAK = """
import sys, runpy
sys.argv = ["assay", *sys.argv[1:]]
try:
    runpy.run_module("assay", run_name="__main__")
except SystemExit:
    pass
finally:
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            print(int(line.split()[1]) / 1024, file=sys.stderr)
"""


def _read(path: Path, limit: int, brief: bool) -> tuple[float, float]:
    """Seconds and peak traced memory (MB) of reading the ``limit`` newest runs, whole or as
    the listing reads them."""
    import tracemalloc

    from assay.core.outcome import PASS_KEYS
    from assay.core.store import RunStore

    with RunStore(path, read_only=True) as store:
        tracemalloc.start()
        began = time.monotonic()
        if brief:
            store.list_runs(limit, brief=True, summary_keys=PASS_KEYS)
        else:
            store.list_runs(limit)
        seconds = time.monotonic() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return seconds, peak / 1024 / 1024


def _json(path: Path, limit: int, streamed: bool) -> tuple[float, float]:
    """Seconds and peak traced memory (MB) of writing ``runs --json``'s document of the
    ``limit`` newest runs to the null device: streamed, or every run read then dumped."""
    import contextlib
    import io
    import json
    import tracemalloc

    from assay.cli.console import Output
    from assay.cli.runs_cmd import _shown_json
    from assay.core.store import RunStore

    out = Output()
    with RunStore(path, read_only=True) as store, open(os.devnull, "w") as null:
        tracemalloc.start()
        began = time.monotonic()
        with contextlib.redirect_stdout(null):
            if streamed:
                out.emit_json_list("runs", (_shown_json(r, path) for r in store.iter_runs(limit)))
            else:
                doc = {"runs": [_shown_json(r, path) for r in store.list_runs(limit)]}
                io.StringIO().write(json.dumps(doc, indent=2, sort_keys=True, default=str))
        seconds = time.monotonic() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return seconds, peak / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3_000)
    parser.add_argument("--limit", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "runs.db"
        _make(path, args.runs)
        size = path.stat().st_size / 1024 / 1024
        print(f"store: {args.runs:,} runs, {size:.1f} MB; load {os.getloadavg()[0]:.1f}")
        wall, peak, lines = _timed(["runs", "--store", str(path), "--limit", str(args.limit)])
        shown = f"{wall:.2f} s, {peak:.1f} MB peak RSS, {lines:,} lines"
        print(f"assay runs --limit {args.limit}: {shown}")
        brief, whole = _read(path, args.limit, True), _read(path, args.limit, False)
        print(
            f"reading {args.limit:,} runs as the listing does: {brief[0]:.2f} s, {brief[1]:.1f} MB"
        )
        print(f"reading them whole (the baseline):     {whole[0]:.2f} s, {whole[1]:.1f} MB")
        print(f"ratio: {whole[0] / brief[0]:.1f}x the time, {whole[1] / brief[1]:.1f}x the memory")
        json_args = ["runs", "--json", "--store", str(path), "--limit", str(args.limit)]
        wall, peak, lines = _timed(json_args)
        shown = f"{wall:.2f} s, {peak:.1f} MB peak RSS, {lines:,} lines"
        print(f"assay runs --json --limit {args.limit}: {shown}")
        streamed, dumped = _json(path, args.limit, True), _json(path, args.limit, False)
        print(f"writing it one run at a time: {streamed[0]:.2f} s, {streamed[1]:.1f} MB")
        print(f"every run read, then dumped (the baseline): {dumped[0]:.2f} s, {dumped[1]:.1f} MB")
        print(
            f"ratio: {dumped[0] / streamed[0]:.1f}x the time, "
            f"{dumped[1] / streamed[1]:.1f}x the memory"
        )


if __name__ == "__main__":
    main()
