"""perf53b: a walker's failing core from its last look (``core_since``) against the whole
look (``Engine.known_core``), compared on every call of whole runs of ``text_cpu.py``.

    PYTHONPATH=src ASSAY_COMPILED=0 python bench/text_core_since.py --pair a --seeds 1 \
        --queries 20000 --digest

Runs ``text_cpu.py`` with its arguments, ``core_since.smallest_key`` wrapped: each call's
key is checked against ``engine.known_core(case)`` (a mismatch stops the run), and counted
by route (from the last look, the whole look when too many ids differ, no look: first of a
walker or not drafted of ids).  The pure build only (the wrapper is a module global)."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["ASSAY_COMPILED"] = "0"

import text_cpu
from assay.text import core_since

ROUTES: Counter[str] = Counter()


def main() -> None:
    inner = core_since.smallest_key

    def checked(engine: Any, case: Any, was: Any) -> Any:
        store = engine._known
        before = store.held_since
        said: list[Any] = []

        def since(*args: Any) -> Any:
            got = before(*args)
            said.append(got)
            return got

        store.held_since = since
        try:
            key, look = inner(engine, case, was)
        finally:
            del store.held_since
        fresh = engine.known_core(case)
        if key != fresh:
            raise SystemExit(f"core_since: {key!r} != known_core's {fresh!r}")
        if look is None:
            ROUTES["not drafted of ids"] += 1
        elif not said:
            ROUTES["no last look"] += 1
        elif said[0] is None:
            ROUTES["more than _MID ids differ: whole look"] += 1
        else:
            ROUTES["from the last look"] += 1
        return key, look

    core_since.smallest_key = checked
    try:
        text_cpu.main()
    finally:
        core_since.smallest_key = inner
        print("core_since routes (every key equal to known_core's):", dict(ROUTES))


if __name__ == "__main__":
    main()
