"""Build a copy of assay whose text search is compiled by mypyc, to bench it beside the
pure sources.

    python bench/text_mypyc.py /tmp/assay-mypyc          # copy src/assay, compile the search
    PYTHONPATH=/tmp/assay-mypyc python bench/text.py --queries 3000 --seeds 1 --pairs a

The copy is assay's own source with the modules of ``assay.text.compiled.MODULES`` compiled in
place by ``assay.text.build`` (what ``make compiled`` does in the source tree; C through
mypyc, then gcc: a few minutes on a loaded machine).  bench/text.py prints which modules it
ran compiled; ``ASSAY_COMPILED=0`` runs the copy's pure sources.  The findings are those of
the pure code, seed for seed (fast30, perf48 in bench/RESULTS.md).  Needs mypy (its
``mypyc``), a C compiler and the Python headers; nothing is fetched.

What mypyc refused or changed, and how the code meets it (perf48): a class attribute read
through the class must be a ``ClassVar`` (``ExhaustiveStrategy.LIMIT``); a compiled class's
attributes are C slots, so a lane's state goes back by ``setattr`` (``pipeline.restore``), not
``__dict__.update`` (both lanes silently ran one strategy); a subclass's method must be a
method of the compiled base too, not an annotated attribute (``EngineState._remember``: resume
failed); a compiled class is made through its constructor, never a bare ``__new__``
(``floor._first``).  Outside the set: ``text/pipeline.py`` (an internal error on a starred
tuple), ``core/calls.py`` (a class deriving from ``SystemExit``), ``core/hashset.py`` (an
attribute ``_thread`` clashes with C's ``__thread``); fast30 found more modules gained nothing.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from assay.text.build import build as build_here

SRC = Path(__file__).resolve().parents[1] / "src"


def build(out: Path) -> None:
    """Copy ``src/assay`` to ``out/assay`` (an earlier copy replaced) and compile the search
    there."""
    target = out / "assay"
    if target.exists():
        shutil.rmtree(target)
    for old in out.glob("*__mypyc.*"):
        old.unlink()
    ignore = shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "compiled.json")
    shutil.copytree(SRC / "assay", target, ignore=ignore)
    build_here(target / "text")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="directory for the copy (PYTHONPATH to run it)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    build(args.out.resolve())
    print(
        f"compiled the text search in {args.out}; bench it with\n"
        f"  PYTHONPATH={args.out} python bench/text.py --queries 3000 --seeds 1 --pairs a"
    )


if __name__ == "__main__":
    main()
