"""Why a search tested nothing (an ``Engine``, or the units' merged statistics): the
classifiers gave one answer to every sentence, one sentence only was asked, or every
sentence was blank.  Such a run is never a pass (``core.outcome``: "nothing was tested")."""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.text.label_watch import LabelWatch

__all__ = ["compared_cases", "untested_part", "untested_reason"]


def untested_reason(e: Any) -> str | None:
    """Why no sentence of a search (an ``Engine`` or the units' merged statistics) could have
    failed: the classifiers gave one answer to every sentence, or every sentence was blank
    (``None``: it tested something, or it found errors)."""
    if e.errors or not e.cases:
        return None
    if not e.wordy:
        return "every sentence the grammar derived was empty, so nothing was judged"
    if _labelled(e):
        return None  # a sentence judged against its expected class could fail, as it is
    if not getattr(e, "apart", True):
        return (
            "every variant asked was its sentence itself (the members of the class, or the "
            "two sides of the edit, derive the same words), so no prediction could change"
        )
    if e.varied and e.first_answer is not None:
        said, partly = _constant_classifiers(e)
        return None if partly else said  # (some classifier tested: ``untested_part``)
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


def untested_part(e: Any) -> str | None:
    """Why part of a search of several classifiers tested nothing: an invariance test of
    which some classifiers (not all) gave one answer, or one label, to every sentence while
    the others' answers varied.  Not everything was tested (never a pass), but the others
    were: the run once headlined "NOTHING WAS TESTED" (hostile44t).  ``None`` otherwise
    (``untested_reason`` says why nothing at all was tested)."""
    if e.errors or not e.cases or not e.wordy or _labelled(e) or not getattr(e, "apart", True):
        return None
    if not e.varied or e.first_answer is None:
        return None
    said, partly = _constant_classifiers(e)
    return said if partly else None


def _labelled(e: Any) -> bool:
    """Whether a minimum functionality test (``%expect``) judged a case: its sentence could
    fail on its own, whatever the classifiers answered to others."""
    alone = getattr(getattr(e, "oracle", None), "alone", None) or []
    tally = getattr(e, "per_test", None) or []
    return any(a and r < len(tally) and tally[r][0] > 0 for r, a in enumerate(alone))


def _answer_shown(e: Any) -> str:
    """The one answer of every classifier, in their own labels."""
    lay = getattr(getattr(e, "oracle", None), "layout", None)
    if lay is None:
        return ", ".join(f"{v:g}" for v in np.asarray(e.first_answer)[:6])
    return str(lay.answer_text(e.first_answer))


def _constant_classifiers(e: Any) -> tuple[str | None, bool]:
    """``_constant_of`` and whether the classifiers it names are some of the run's, not all
    (the others were tested)."""
    said, named = _constant_of(e)
    lay = getattr(getattr(e, "oracle", None), "layout", None)
    return said, said is not None and lay is not None and 0 < named < len(lay.names)


def _constant_of(e: Any) -> tuple[str | None, int]:
    """Why an invariance test of several classifiers tested some of them not at all: each
    gave one answer to every sentence (no swap can change a constant answer), or one label
    (its scores varying: a swap is judged by the label), while the others' answers varied;
    or why a differential test in top-1 mode could not fail: every classifier gave one
    label to every sentence (``None``: every classifier's varied, or not watched)."""
    oracle = getattr(e, "oracle", None)
    if oracle is None:
        return None, 0
    lay = oracle.layout
    watch: LabelWatch = getattr(e, "label_watch", None) or LabelWatch()
    one = watch.still if watch.still is not None and len(watch.still) == len(lay.names) else None
    if oracle.kind == "differential":
        if getattr(oracle, "mode", None) not in ("top1", "topk") or not one or not all(one):
            return None, 0
        topk = watch.top_k is not None
        said = "; ".join(
            f"{name}: {watch.label(lay, k) if topk else repr(watch.label(lay, k))}"
            for k, name in enumerate(lay.names)
        )
        each = f"the same top-{watch.top_k} labels each" if topk else "one label each"
        return (
            f"the classifiers gave {each} to every one of the {len(e.asked):,} "
            f"sentences asked ({said}), their scores varying, so they could never disagree; "
            "check that each receives sentences in the form it was trained on"
        ), len(lay.names)
    if oracle.kind != "invariance":
        return None, 0
    still = getattr(e, "still", None) or []  # (units merged: not watched)
    names = [
        name
        for k, name in enumerate(lay.names)
        if still and all(still[lay.offsets[k] : lay.offsets[k] + len(lay.labels[k])])
    ]
    labelled = [k for k in range(len(lay.names)) if one is not None and one[k]]
    if len(labelled) > len(names):
        said = ", ".join(f"{lay.names[k]} ({watch.label(lay, k)!r})" for k in labelled)
        them = "it" if len(labelled) == 1 else "them"
        return (
            f"{said} gave one label to every one of the {len(e.asked):,} sentences asked, "
            f"{'its' if len(labelled) == 1 else 'their'} scores varying, so no swap could "
            f"change it: nothing was tested of {them}; check that each receives sentences "
            "in the form it was trained on"
        ), len(labelled)
    if not names:
        return None, 0
    return (
        f"{', '.join(names)} gave the same answer to every one of the {len(e.asked):,} "
        "sentences asked, so no swap could change it: nothing was tested of "
        f"{'it' if len(names) == 1 else 'them'}; check that each receives sentences in the "
        "form it was trained on"
    ), len(names)


def compared_cases(engine: Any) -> int:
    """The cases the search judged less those that could not be compared (a top-1
    differential sentence a classifier answered with a label without a counterpart; a
    metamorphic case where no classifier gave the answers the test needs: an LLM's refusal,
    its empty answer): what a run's ``tested`` counts.  A run whose few compared cases hid
    among many refused ones (an LLM refusing nine sentences in ten: 25 of 250 compared)
    passed, exit 0, where 25 cases alone are too few to tell anything (llm45t)."""
    oracle = engine.oracle
    lost = max(int(oracle.judged) - int(oracle.compared), 0)
    return max(int(engine.cases) - lost, 0)
