"""perf53b: a walker's failing core from its last look (``core_since``) against the whole
look (``Engine.known_core``), compared on every call of whole runs of ``text_cpu.py``.

    PYTHONPATH=src ASSAY_COMPILED=0 python bench/text_core_since.py --pair a --seeds 1 \
        --queries 20000 --digest

Runs ``text_cpu.py`` with its arguments, ``core_since.smallest_key`` wrapped: each call's
key is checked against ``engine.known_core(case)`` (a mismatch stops the run), and counted
and timed against it (the key's look alone: the paths' walk after it is the same), by
route (from the last look, the whole look when it could not tell, no look: first of a
walker or not drafted of ids).  The pure build only (the wrapper is a module global)."""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["ASSAY_COMPILED"] = "0"

import text_cpu
from assay.text import core_since

ROUTES: Counter[str] = Counter()
NS: Counter[str] = Counter()  # nanoseconds per route, summed over the calls


def main() -> None:
    inner = core_since.smallest_key

    def checked(engine: Any, case: Any, was: Any) -> Any:
        store = engine._known
        before = store.smallest_since
        said: list[Any] = []

        def since(*args: Any) -> Any:
            got = before(*args)
            said.append(got)
            return got

        store.smallest_since = since
        t0 = time.perf_counter_ns()
        try:
            key, look = inner(engine, case, was)
        finally:
            del store.smallest_since
        t1 = time.perf_counter_ns()
        fresh = engine.known_core(case)
        t2 = time.perf_counter_ns()
        NS["from the last look"] += t1 - t0
        NS["known_core"] += t2 - t1
        if key != fresh:
            raise SystemExit(f"core_since: {key!r} != known_core's {fresh!r}")
        if look is None:
            ROUTES["not drafted of ids"] += 1
        elif not said:
            ROUTES["no last look"] += 1
        elif said[0] is None:
            ROUTES["could not tell: whole look"] += 1
        else:
            ROUTES["from the last look"] += 1
        return key, look

    core_since.smallest_key = checked
    try:
        text_cpu.main()
    finally:
        core_since.smallest_key = inner
        print("core_since routes (every key equal to known_core's):", dict(ROUTES))
        calls = max(1, sum(ROUTES.values()))
        for what, ns in NS.items():
            print(f"  {what}: {ns / calls / 1000:.1f} us a call, {ns / 1e6:.0f} ms in all")


if __name__ == "__main__":
    main()
