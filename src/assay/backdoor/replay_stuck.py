"""``assay verify`` of a backdoor run: triggered images all answered one class show nothing
fixed.

A stored trigger still holds when pasting it sends the run's share of clean images to its
class.  A model that answered the clean images as a model does, then one class to every
image a trigger was pasted on (a served model falling back to a default once warm; the
very model the run found trojaned, stuck after its second call), read "0 of 30 stored
findings still hold ...; 30 no longer do", exit 0: "fixed".  Every triggered image in one
class, while the clean images they were pasted on were in other classes asked alone, is no
fixed model: its answers changed, or each trigger now sends images to that class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from assay.core.replay import OneClass

__all__ = ["stuck_on_pasted"]


def stuck_on_pasted(
    pasted: OneClass, sources: Sequence[np.ndarray], shown: Callable[[int], str]
) -> str:
    """Why the replay showed nothing fixed when every triggered image was answered one class
    that some of the clean images it was pasted on were not in (``''`` otherwise);
    ``sources``: the classes of those clean images asked alone."""
    c = pasted.one
    if c is None or not sources:
        return ""
    labels = np.concatenate([np.asarray(s).reshape(-1) for s in sources])
    other = int(np.sum(labels != c))
    if not other:  # (they were of that class alone: the trigger changed nothing)
        return ""
    return (
        f"the model gave the same class ({shown(c)}) to every one of the {pasted.asked:,} "
        f"images a stored trigger was pasted on, while {other:,} of those clean images were "
        "in other classes asked alone: its answers changed during the replay, or each trigger "
        f"now sends images to {shown(c)}, so no stored finding can be shown fixed"
    )
