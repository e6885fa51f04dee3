"""The seconds behind four unit tests that count work instead (prints figures; not a test).

The tests count what makes each shortcut fast (the team's rule: no timed unit tests); this
prints the seconds those counts stand for, on the tests' own inputs (their helpers, imported
from ``tests/unit``), each shortcut beside the plain computation where one can run:

- ``build_domain`` of a 60-tree forest on continuous features (the test counts its Python
  lines, a few per split; a loop over each split's atoms took over a minute);
- a CSV header of ``MAX_COLUMNS + 1`` columns refused (the test: its rows never read; read,
  1,200,003 columns took 241 s and 3.8 GB);
- 2,000 word swaps in a category of 50,000 words (the test counts the weights read; listing
  the category for each swap took ~20 s);
- shrinking 20 of 20,000 sentences through the rarest-word index and by a full scan (the
  test counts the alternatives ``_viable`` hands on).

The exact rules of the Adult tree (``test_regions22_exact_rules`` counts their mask cells)
are timed by ``bench/fairness_exact.py``.

    PYTHONPATH=src python bench/unit_speeds.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit"))


def _timed(what: str, run: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    got = run()
    print(f"  {what}: {time.perf_counter() - start:.3f} s")
    return got


def forest_domain() -> None:
    from test_exact_readings_hostile18a import WIDE, wide_forest_trees

    from assay.fairness.exact.domain import build_domain

    trees = wide_forest_trees()
    print("build_domain, a 60-tree forest (test_exact_readings_hostile18a; target < 10 s):")
    _timed("domain", lambda: build_domain(WIDE, trees))


def wide_header() -> None:
    from test_hostile34_many_columns import _csv

    from assay.errors import UsageError
    from assay.fairness.tables import MAX_COLUMNS, read_table

    print(f"a header of {MAX_COLUMNS + 1:,} columns (test_hostile34_many_columns):")
    with tempfile.TemporaryDirectory() as tmp:
        path = _csv(Path(tmp) / "wide.csv", MAX_COLUMNS + 1)

        def refused() -> None:
            try:
                read_table(path)
            except UsageError:
                return
            raise SystemExit("not refused")

        _timed("refused", refused)


def word_swaps() -> None:
    from test_text_large_grammars import _Engine, _vocabulary_grammar

    from assay.text.moves import swap_word_at
    from assay.text.oracle import Case

    g = _vocabulary_grammar()
    engine = _Engine(g)
    case = Case(engine.sampler.sentence_tree(engine.draws))

    def swaps() -> None:
        weights = np.random.default_rng(1).random(g.n_productions) + 0.1
        for k in range(2_000):
            if k % 500 == 0:
                weights = weights.copy()
            swap_word_at(engine, case, weights, unjudged=True)  # type: ignore[arg-type]

    print("2,000 word swaps, a category of 50,000 words (test_text_large_grammars; < 2 s):")
    _timed("swaps", swaps)


def shrinking_index() -> None:
    from test_text_large_grammars import _Refocusing, _sentences_grammar

    import assay.text.shrink as shrink
    from assay.text.generate import Sampler
    from assay.text.oracle import Case

    n = 20_000
    g = _sentences_grammar(n)
    sampler = Sampler(g)
    trees = [(p, g.productions[p][1]) for p in range(1, n, n // 20)]
    print(f"shrinking 20 of {n:,} sentences (test_text_large_grammars; index 5x faster):")
    for label, many in (("indexed", 64), ("full scan", 10**9)):
        shrink.MANY_ALTERNATIVES = many
        shrinker = shrink.Shrinker(_Refocusing(g), sampler)  # type: ignore[arg-type]
        shrinker.candidates(Case((0, g.productions[0][1])))  # the index is made
        _timed(label, lambda s=shrinker: [c for t in trees for c in s.candidates(Case(t))])


def main() -> None:
    forest_domain()
    wide_header()
    word_swaps()
    shrinking_index()
    print("Wall time on a shared machine; rerun for stable numbers.")


if __name__ == "__main__":
    main()
