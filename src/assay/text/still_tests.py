"""A suite's directional tests that no answer could move: every classifier gave one answer
(its probabilities too) to every sentence asked.

A `%directional` test judges how an edit moves the prediction: with answers that never
moved, a `not-up`/`not-down` case can never fail (nothing moved the wrong way) and the
others always do.  The same test alone is "nothing was tested" (``untested_reason``); in a
suite beside an `%expect` line (whose cases can fail on their own) the run passed, exit 0,
with a constant classifier (hostile52).  Such a test with no failure is "not tested" in the
suite's table, as its invariance tests are when every classifier's label stood still
(``summary.one_label``), so the run is "not everything was tested"."""

from __future__ import annotations

from typing import Any

from assay.text.grammar import Directional

__all__ = ["still_tests"]


def still_tests(engine: Any) -> list[int]:
    """The indices of a suite's directional tests (its relations') when the answers of every
    classifier never varied over the sentences asked; none otherwise (or when no sentence
    was answered)."""
    oracle = engine.oracle
    if oracle.kind != "suite" or engine.varied or engine.first_answer is None:
        return []
    return [r for r, rel in enumerate(oracle.relations) if isinstance(rel, Directional)]
