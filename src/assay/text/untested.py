"""Why a search tested nothing (an ``Engine``, or the units' merged statistics): the
classifiers gave one answer to every sentence, one sentence only was asked, or every
sentence was blank.  Such a run is never a pass (``core.outcome``: "nothing was tested")."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["untested_reason"]


def untested_reason(e: Any) -> str | None:
    """Why no sentence of a search (an ``Engine`` or the units' merged statistics) could have
    failed: the classifiers gave one answer to every sentence, or every sentence was blank
    (``None``: it tested something, or it found errors)."""
    if e.errors or not e.cases:
        return None
    if not e.wordy:
        return "every sentence the grammar derived was empty, so nothing was judged"
    if not getattr(e, "apart", True):
        return (
            "every variant asked was its sentence itself (the members of the class, or the "
            "two sides of the edit, derive the same words), so no prediction could change"
        )
    if e.varied and e.first_answer is not None:
        return _constant_classifiers(e)
    if e.varied or e.first_answer is None:
        return None
    asked = len(e.asked)
    if asked == 1:
        if getattr(getattr(e, "oracle", None), "kind", None) == "differential":
            return None  # the classifiers were compared on it (and agreed): a test
        return (
            "one sentence only was asked (the grammar derives one, or the budget allowed "
            "one), so no answer could differ"
        )
    shown = _answer_shown(e)
    return (
        f"the classifiers gave the same answer ({shown}) to every one of the {asked:,} "
        "sentences they were asked, so no sentence could fail; check that each receives "
        "sentences in the form it was trained on"
    )


def _answer_shown(e: Any) -> str:
    """The one answer of every classifier, in their own labels."""
    lay = getattr(getattr(e, "oracle", None), "layout", None)
    if lay is None:
        return ", ".join(f"{v:g}" for v in np.asarray(e.first_answer)[:6])
    return str(lay.answer_text(e.first_answer))


def _constant_classifiers(e: Any) -> str | None:
    """Why an invariance test of several classifiers tested some of them not at all: each
    gave one answer to every sentence (no swap can change a constant answer) while the
    others' answers varied (``None``: every classifier's varied, or not watched)."""
    oracle = getattr(e, "oracle", None)
    still = getattr(e, "still", None)
    if getattr(oracle, "kind", None) != "invariance" or not still or oracle is None:
        return None
    lay = oracle.layout
    names = [
        name
        for k, name in enumerate(lay.names)
        if all(still[lay.offsets[k] : lay.offsets[k] + len(lay.labels[k])])
    ]
    if not names:
        return None
    return (
        f"{', '.join(names)} gave the same answer to every one of the {len(e.asked):,} "
        "sentences asked, so no swap could change it: nothing was tested of "
        f"{'it' if len(names) == 1 else 'them'}; check that each receives sentences in the "
        "form it was trained on"
    )
