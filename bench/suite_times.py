"""Seconds per test file, from the JUnit XML files `make test` writes for each of its halves.

`make test` runs the suite in two halves at once ("the rest" and the tests "beside" it, see
the Makefile); moving a file from one to the other needs every file's time, which pytest's
``--durations`` does not give (only the slowest tests).  This prints, for each XML file given,
its total and its costliest files, so a CI log holds what the next rebalancing needs.

    python bench/suite_times.py .test-times-rest.xml .test-times-beside.xml --top 30
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path


def file_seconds(path: Path) -> dict[str, float]:
    """Seconds per test file in one JUnit XML file (a test's ``classname`` is its module's
    dotted path, the class within it appended when there is one)."""
    totals: dict[str, float] = defaultdict(float)
    for case in ET.parse(path).getroot().iter("testcase"):
        name = case.get("classname", "?")
        parts = name.split(".")
        # tests.unit.test_x[.TestClass]: keep up to the test_ module
        module = next(
            (i for i in range(len(parts) - 1, -1, -1) if parts[i].startswith("test_")), None
        )
        key = "/".join(parts[: module + 1]) + ".py" if module is not None else name
        totals[key] += float(case.get("time", "0") or 0)
    return dict(totals)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("xml", nargs="+", type=Path, help="JUnit XML files of pytest runs")
    parser.add_argument("--top", type=int, default=30, help="files shown per XML file")
    args = parser.parse_args(argv)
    for path in args.xml:
        if not path.is_file():
            print(f"{path}: not written (that half did not finish?)")
            continue
        try:
            times = file_seconds(path)
        except ET.ParseError as exc:
            print(f"{path}: not readable as XML ({exc})")
            continue
        ranked = sorted(times.items(), key=lambda kv: -kv[1])
        print(f"== {path}: {len(times)} files, {sum(times.values()):.0f} s of tests in all")
        for name, seconds in ranked[: args.top]:
            print(f"{seconds:8.1f} s  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
