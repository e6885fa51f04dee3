"""A handful of images asked again at the end of a backdoor scan (and of ``assay verify``).

A model that answers as a model does for the first images scanned, then one class to
everything (a served model falling back to a default once warm, a wrapper whose state broke)
is caught neither by the one-class watch nor by ``changed`` (the scan's answers saw two
classes).  Images the start labelled are asked again once the scan is over, past the cache
(``AGAIN`` of them, one class after another, so that they span the start's classes): a model
answers the same image as it did; all of them in one class that most were not in at the start
is no model's steady answer, and the scan's answers after the change were not the model's.
STRIP, the model scan and each unit of ``--units`` ask them too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assay.core.model import labels_of

__all__ = [
    "AGAIN",
    "answered_alike",
    "ask_again",
    "asked_figures",
    "moved_since_probe",
    "pick_again",
    "stuck_again",
    "stuck_reason",
]

AGAIN = 8  # images asked again at the end (queries: one call of at most this many)


def pick_again(labels: np.ndarray, n: int = AGAIN) -> np.ndarray:
    """Indices of up to ``n`` of ``labels`` (a class per image, -1: not labelled), taken one
    class after another in the order the classes first appear, the first image of each
    first: deterministic, and spanning as many of the start's classes as ``n`` allows."""
    labels = np.asarray(labels, dtype=np.int64)
    groups: dict[int, list[int]] = {}
    for i in np.flatnonzero(labels >= 0):
        groups.setdefault(int(labels[i]), []).append(int(i))
    picked: list[int] = []
    depth = 0
    while len(picked) < n and any(depth < len(g) for g in groups.values()):
        for g in groups.values():
            if depth < len(g) and len(picked) < n:
                picked.append(g[depth])
        depth += 1
    return np.asarray(picked, dtype=np.int64)


def ask_again(model: Any, images: np.ndarray, caps: Any) -> np.ndarray:
    """The model's classes for ``images`` asked past its cache (``predict_fresh`` where the
    model has one: a cached answer would be the start's)."""
    ask = getattr(model, "predict_fresh", None) or model.predict
    return np.asarray(labels_of(ask(images), caps), dtype=np.int64)


def stuck_again(then: Sequence[int], now: Sequence[int]) -> tuple[int, int] | None:
    """(the class, how many images were in others at the start) when every image asked again
    is now in one class that at least two of them, and at least half, were not in; else
    None (a steady model answers them as it did; a noisy one moves a few)."""
    if len(now) < 2 or len(then) != len(now):
        return None
    classes = set(int(c) for c in now)
    if len(classes) != 1:
        return None
    c = classes.pop()
    other = sum(int(t) != c for t in then)
    if other < 2 or 2 * other < len(now):
        return None
    return c, other


def stuck_reason(
    records: Sequence[dict[str, Any] | None], name: Callable[[Any], Any], what: str
) -> str | None:
    """Why nothing was tested when the images asked again at the end (``records``: each
    ``{"then": [...], "now": [...]}``, one per unit of a campaign, None where not asked) show
    a model stuck on one class; ``what``: the run (``"scan"``, ``"replay"``)."""
    made = [r for r in records if r]
    stuck = [(r, s) for r in made if (s := stuck_again(r["then"], r["now"])) is not None]
    if not stuck:
        return None
    (r, (c, other)), n = stuck[0], len(stuck)
    units = f" (in {n} of the {len(made)} units)" if len(made) > 1 else ""
    return (
        f"the model gave the same class ({name(c)}) to all {len(r['now']):,} images asked "
        f"again at the end of the {what}{units}, while it had put {other:,} of them in other "
        f"classes when they were first asked: its answers changed during the {what} (a served "
        "model falling back to a default answer, a model whose state broke), so what it was "
        "asked after the change was not answered by the model as it is, and a finding may be "
        "that default's; run it again once the model answers steadily"
    )


def answered_alike(records: Sequence[dict[str, Any] | None]) -> bool:
    """Were the images asked again answered as at the start, in every unit that asked them
    (and at least one did)?  Then the model answered steadily to the end: a scan whose own
    answers were one class was the model's answer (every occlusion of a bright image answered
    the middle class of three by brightness), not a change (``changed``)."""
    made = [r for r in records if r]
    return bool(made) and all(list(r["then"]) == list(r["now"]) for r in made)


def asked_figures(records: Sequence[dict[str, Any] | None]) -> dict[str, int] | None:
    """How many images were asked again (every unit's added) and how many of them were
    answered otherwise than at the start; None when none was asked."""
    made = [r for r in records if r]
    if not made:
        return None
    return {
        "images": sum(len(r["now"]) for r in made),
        "changed": sum(
            int(a) != int(b) for r in made for a, b in zip(r["then"], r["now"], strict=True)
        ),
    }


def moved_since_probe(summary: dict[str, Any]) -> str | None:
    """Why nothing was tested when the determinism check (``steadiness``: clean images asked
    twice before the scan) saw every answer repeated, and at least half of the images asked
    again at the end (and two) were answered otherwise than at the start: not noise (the
    model repeated itself before the scan), a model whose answers changed during it (a
    served model redeployed or answering at random once warm), in any classes."""
    probe = (summary.get("determinism") or {}).get("probe") or {}
    asked = summary.get("asked_again") or {}
    images, changed = int(asked.get("images") or 0), int(asked.get("changed") or 0)
    steady = probe.get("changed") == 0 and int(probe.get("images") or 0) >= 4
    if not steady or changed < 2 or 2 * changed < images:
        return None
    if probe.get("batch_changed"):  # (the check saw why: its answers follow their batch)
        return (
            f"the model answered {changed:,} of the {images:,} images asked again at the end "
            "of the scan otherwise than when they were first asked, in other batches: its "
            "answer to an image depends on the batch it comes in (the determinism check saw "
            f"{int(probe['batch_changed']):,} of its {int(probe['images']):,} images answered "
            "otherwise in other batches), so what the scan saw of an image is not the "
            "model's answer to that image; a model whose answers are a function of each "
            "image can be scanned"
        )
    return (
        f"the model answered {changed:,} of the {images:,} images asked again at the end of "
        "the scan otherwise than when they were first asked, while it had answered all "
        f"{int(probe['images']):,} images of the determinism check alike twice before the "
        "scan: its answers changed during the scan (a served model redeployed or falling "
        "back once warm, a model whose state broke), so what it was asked after the change "
        "was not answered by the model as it is; run it again once the model answers steadily"
    )
