"""A model whose answers changed during an input scan: nothing was tested.

The one-class watch (``summary._one_class``) judges every image the run asked, the clean
images labelled at the start among them.  A model that labelled those (and the images
scanned) as a model does, then gave one class to every image the scan asked after (a
served model falling back to a default once warm, a wrapper whose state broke) showed no
trigger: "0 of 60 images carry a confirmed trigger" with 30 poisoned, exit 0.  The scan's
own answers are watched apart (``BackdoorSearch.scan_answered``): one class for every
occluded, patched and pasted image (STRIP's blends of two images may change class: not
judged so), while the images scanned were put in other classes at
the start, is an answer no model gives steadily (an occlusion of a small patch of a '3'
leaves a '3' a '3'), so the run tested nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assay.backdoor.again import answered_alike

__all__ = ["changed_during_scan"]


def changed_during_scan(search: Any, summary: dict[str, Any], name: Any) -> str | None:
    """Why nothing was tested when the scan's answers were one class that the images
    scanned were not in at the start, and nothing was found; ``None`` otherwise.  ``name``
    shows a class index as the model names it."""
    scan = getattr(search, "scan_answered", None)
    labels = getattr(search, "image_labels", None)
    t = search.test
    if getattr(t, "mode", None) != "inputs" or scan is None or len(scan) != 1:
        return None
    if getattr(t, "strategy", None) == "strip":  # (a blend of two images may change class)
        return None
    if labels is None or not summary.get("tested"):
        return None
    if any(r.get("poisoned") for r in getattr(search, "rows", []) or []):
        return None
    merged = getattr(search, "agains", None)
    if answered_alike(merged if merged is not None else [getattr(search, "again", None)]):
        return None  # (asked again at the end, the images were answered as at the start)
    labelled = np.asarray(labels)
    # the images the scan asked about: a run its budget cut (2 of 6 reached, both of the
    # class every answer was) was said to have "changed" by the 4 it never reached
    reached = sorted(
        {int(r["image"]) for r in search.rows or [] if r.get("queries") and "image" in r}
    )
    if reached and len(reached) < len(labelled):
        labelled = labelled[[i for i in reached if i < len(labelled)]]
    labelled = labelled[labelled >= 0]
    other = int(np.sum(labelled != scan[0]))
    if not other:  # (the images scanned are of that class: a steady model may keep it)
        return None
    return (
        f"the model gave the same class ({name(scan[0])}) to every image the scan asked, "
        f"while it had put {other:,} of the {len(labelled):,} images scanned in other "
        "classes when they were first asked: its answers changed during the run (a served "
        "model falling back to a default answer, a model whose state broke), so no trigger "
        "could change them; run the scan again once the model answers steadily"
    )
