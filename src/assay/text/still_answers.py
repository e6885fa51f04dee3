"""A warning for a classifier whose whole answer, its label and its probabilities, was the
same to every sentence the run asked (left52b, hostile52's leftover).

A wrapper fed the wrong form (a tokenizer given a list where it wants a string) answers its
prior to everything.  A run judging it by labels says "nothing was tested" (``untested``),
but an ``%expect`` case can fail on its own, so a suite's expectation of that one class
passes, exit 0 by design, and a differential run counts every sentence a disagreement:
neither said that the classifier never varied.  The run now says it, in its headline (the
terminal's line, a CI log), its warnings (JUnit's properties) and its Notes (the HTML).
A classifier answering labels alone is warned of too (hostile52's ``{"label": "POSITIVE",
"score": 0.99}`` to everything, and an endpoint's ``{"label": "ERROR"}``, are read as
labels): it may be right on a grammar of one class, which the warning leaves to the reader.
Not said where the run already says the classifier tested nothing (``untested_reason``,
``untested_part``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.text.untested import untested_part

__all__ = ["still_answers"]

# the fewest sentences asked for the warning: a handful answered alike says nothing (a run
# ended by its budget after loading's two sentences and one case of two); ten distinct
# sentences answered alike, probabilities and all, are a classifier not reading them (a
# grammar of fifteen sentences asked whole is its whole language)
FEWEST = 10


def still_answers(engine: Any, untested: str | None) -> str | None:
    """The warning for the classifiers whose every column stood still over the sentences
    asked (``FEWEST`` or more), or ``None``."""
    oracle = getattr(engine, "oracle", None)
    first = getattr(engine, "first_answer", None)
    asked = len(getattr(engine, "asked", ()) or ())
    if untested is not None or oracle is None or first is None or asked < FEWEST:
        return None
    lay = oracle.layout
    if len(first) != lay.width or untested_part(engine):
        return None
    still = getattr(engine, "still", None)
    if still is not None and len(still) == lay.width:
        stood = [
            all(still[lay.offsets[k] : lay.offsets[k] + len(lay.labels[k])])
            for k in range(len(lay.names))
        ]
    elif not getattr(engine, "varied", True):  # (units merged: the answers as a whole)
        stood = [True] * len(lay.names)
    else:
        return None
    named = [k for k, s in enumerate(stood) if s]
    if not named:
        return None
    scored = all(lay.answers_scores(k) for k in named)
    said = lay.answer_text(np.asarray(first, dtype=np.float64), only=named)
    return (
        f"{said}: the same answer{', label and probabilities alike,' if scored else ''} to "
        f"every one of the {asked:,} sentences asked; check that "
        f"{'it' if len(named) == 1 else 'each'} receives sentences in the form it was "
        "trained on (a wrapper fed the wrong form answers its prior to everything: an "
        "expectation of that one class passes whatever it reads, and a classifier reading "
        "the sentences disagrees with it wherever it answers otherwise)"
    )
