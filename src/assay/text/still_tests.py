"""The directional tests that no answer could move: every classifier gave one answer (its
probabilities too) to every sentence asked.

A `%directional` test judges how an edit moves the prediction: with answers that never
moved, a `not-up`/`not-down` case can never fail (nothing moved the wrong way) and the
others always do.  In a suite beside an `%expect` line (whose cases can fail on their own)
the run passed, exit 0, with a constant classifier (hostile52); alone, the run says "NOTHING
WAS TESTED" while its Tests table said "no failure in every case" with a bound on the failure
rate (mutation52b).  Such a test with no failure is "not tested" in the table, as the
invariance tests are when every classifier's label stood still (``summary.one_label``), so a
suite is "not everything was tested"."""

from __future__ import annotations

from typing import Any

from assay.text.grammar import Directional

__all__ = ["still_tests"]


def still_tests(engine: Any) -> list[int]:
    """The indices of the directional tests (the oracle's relations') when the answers of
    every classifier never varied over the sentences asked; none otherwise (or when no
    sentence was answered)."""
    oracle = engine.oracle
    if not oracle.metamorphic or getattr(engine, "varied", True):  # (unknown: said varied)
        return []
    if getattr(engine, "first_answer", None) is None:
        return []
    return [r for r, rel in enumerate(oracle.relations) if isinstance(rel, Directional)]
