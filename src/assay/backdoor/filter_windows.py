"""The window a source-class check located, as a trigger the run-time filter blocks.

A source-specific trojan's trigger fires on images of one source class only, so the patch
scan confirms no trigger for it: its exported filter held none, and the images the
source-class check flagged passed it unchanged (left48b2).  A *located* flag holds the pixels
its group agreed on at the window (``class_map.held``); the pixels the flags agree on there
(``class_map.agreed``, as ``assay verify`` pastes them: ``window_pattern``) are a masked
trigger (the mask: the pixels they agree on) towards the class the flags were answered, and
the filter blocks it as it blocks a patch trigger: an input holding those pixels is asked
again with the window refilled from the clean images, and its answer changed only when the
model answered the flags' class and answers another once refilled.  Measured on attack45b's
seed-1 source-specific digits (left48b2): 17 of its 20 triggered 3s answered otherwise (15
their own class), none of 350 held-out clean digits changed.

A class-map window (an all-to-all trigger) is not carried: its refill kept the answer of 17
of its 18 flagged images (the trigger's effect is not undone at that window), and an
unlocated flag (its whole group flagged, some may be clean images) holds no pattern.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from assay.backdoor.class_map import agreed
from assay.backdoor.patches import Box, Trigger
from assay.backdoor.source_class import SOURCE_CLASS
from assay.core.findings import FindingBatch

__all__ = ["Windows", "filter_windows", "window_pattern"]


@dataclass(frozen=True)
class Windows:
    """The located source-class windows a filter blocks, and the flagged images each came
    from (their indices among the scanned images)."""

    triggers: list[Trigger]
    images: list[int]


def window_pattern(images: np.ndarray, batch: FindingBatch) -> tuple[np.ndarray, Box] | None:
    """The pixels the flagged images of a class-map or source-class batch agree on at its
    window (``class_map.agreed``, as the check took its group's: located flags hold them),
    NaN where they disagree, with the window; None when it was stored without its window."""
    boxes = batch.columns.get("box")
    if boxes is None or not len(images):
        return None
    t, left, h, w = (int(v) for v in np.asarray(boxes)[0])
    return agreed(images[:, t : t + h, left : left + w]), (t, left, h, w)


def group_rows(batch: FindingBatch) -> list[np.ndarray]:
    """The rows of each group of a class-map or source-class ``batch``: the same window
    (and source class), in the order each group first comes; one group when it was stored
    without them.  A batch holds one group as the check stored it, several when a run
    keeping few witnesses reads its sampled flags of two units' groups as one
    (``core.store_blobs.alike_groups``: the same columns and details)."""
    n = len(batch)
    parts = [np.zeros((n, 1))]
    for name in ("box", "source"):
        if name in batch.columns:
            parts.append(np.asarray(batch.columns[name]).reshape(n, -1))
    keys = np.concatenate([np.asarray(p, dtype=np.float64) for p in parts], axis=1)
    _, first, group = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    return [np.flatnonzero(group.reshape(-1) == g) for g in order]


def _located_source(batch: FindingBatch) -> bool:
    located = batch.columns.get("located")
    return (
        batch.kind == "strip-flag"
        and batch.details.get("strategy") == SOURCE_CLASS
        and located is not None
        and len(batch) > 0
        and bool(np.asarray(located).all())
    )


def filter_windows(batches: Iterable[FindingBatch]) -> Windows:
    """The located source-class flags of a run's stored ``batches`` as masked triggers (one a
    batch: a group), with the images they flagged."""
    triggers: list[Trigger] = []
    images: list[int] = []
    for whole in batches:
        for rows in group_rows(whole) if len(whole) else []:
            _add_group(whole.select(rows), triggers, images)
    return Windows(triggers, sorted(set(images)))


def _add_group(batch: FindingBatch, triggers: list[Trigger], images: list[int]) -> None:
    """One group's trigger (one per class its flags are of) and its images, when located."""
    if not _located_source(batch):
        return
    stack = np.asarray(batch.inputs, dtype=np.float64)[:, 0]
    found = window_pattern(stack, batch)
    if found is None:
        return
    pattern, box = found
    mask = ~np.isnan(pattern).any(axis=-1)
    if not mask.any():  # (nothing agreed: nothing to match)
        return
    t, left, h, w = box
    # the flags' median where they disagree: pasted whole on the filter's probe images
    content = np.where(
        np.isnan(pattern), np.median(stack[:, t : t + h, left : left + w], axis=0), pattern
    )
    answers = np.asarray(batch.outputs).reshape(len(batch), -1)[:, 0].astype(np.int64)
    sent = np.asarray(batch.columns.get("sent", [0]))[0]
    of = np.asarray(batch.columns.get("of", [0]))[0]
    rate = float(sent) / float(of) if of > 0 and 0 < sent <= of else 1.0
    shown = [int(i) for i in np.asarray(batch.columns.get("image", np.arange(len(batch))))]
    for target in np.unique(answers).tolist():
        triggers.append(
            Trigger(
                box,
                np.clip(content, 0.0, 1.0),
                int(target),
                rate,
                shown[0],
                mask=mask,
            )
        )
    images.extend(shown)
