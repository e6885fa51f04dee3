"""Build a copy of assay whose text search is compiled by mypyc, to bench it (not shipped).

    python bench/text_mypyc.py /tmp/assay-mypyc          # copy src/assay, compile SEARCH
    PYTHONPATH=/tmp/assay-mypyc python bench/text.py --queries 3000 --seeds 1 --pairs a

The copy is assay's own source, the modules below compiled in place to extension modules
(C through mypyc, then gcc; a minute or two); every other module stays Python.  bench/text.py
prints which modules it ran compiled.  The findings are those of the pure code, seed for
seed (fast30, bench/RESULTS.md).  Needs mypy (its ``mypyc``), a C compiler and the
Python headers; nothing is fetched.

``--modules`` compiles others: mypyc refuses some of assay's modules as they are
(``text/pipeline.py``: an internal error on a starred tuple; ``core/calls.py``: a class
deriving from ``SystemExit``; ``text/dispatch.py`` with ``text/engine.py``: ``Engine``'s
two native bases; ``core/hashset.py``: an attribute ``_thread`` clashes with C's
``__thread``), and compiling more than the search's loop gained nothing measurable.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
SEARCH = (
    "text/walk.py",
    "text/moves.py",
    "text/generate.py",
    "text/flat.py",
    "text/shrink.py",
    "text/engine.py",
    "text/engine_state.py",
    "text/known.py",
    "text/strategies.py",
)


def mypyc_command() -> str:
    """The mypyc beside this interpreter (a virtualenv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "mypyc"
    found = str(beside) if beside.exists() else shutil.which("mypyc")
    if found is None:
        raise SystemExit("no mypyc here: pip install mypy")
    return found


def build(out: Path, modules: tuple[str, ...] = SEARCH) -> None:
    """Copy ``src/assay`` to ``out/assay`` (an earlier copy replaced) and compile
    ``modules`` (paths under ``assay/``) there."""
    target = out / "assay"
    if target.exists():
        shutil.rmtree(target)
    shutil.rmtree(out / "build", ignore_errors=True)
    shutil.copytree(SRC / "assay", target, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    command = [mypyc_command(), "--strict", "--ignore-missing-imports", "--python-version"]
    command += [version, *(f"assay/{m}" for m in modules)]
    subprocess.run(command, cwd=out, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="directory for the copy (PYTHONPATH to run it)")
    ap.add_argument(
        "--modules",
        nargs="+",
        default=list(SEARCH),
        help="modules to compile, under assay/ (default: the text search's loop)",
    )
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    build(args.out.resolve(), tuple(args.modules))
    print(
        f"compiled {len(args.modules)} modules in {args.out}; bench them with\n"
        f"  PYTHONPATH={args.out} python bench/text.py --queries 3000 --seeds 1 --pairs a"
    )


if __name__ == "__main__":
    main()
