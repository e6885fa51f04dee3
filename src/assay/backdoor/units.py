"""A backdoor input scan split into units (``core.units``): keys and the merged summary.

Each unit scans a contiguous chunk of the images (``BackdoorTest.for_unit``), every image
with the seed it would get in any other split; what a unit cannot share with the others is
its list of known triggers, so each unit finds a trigger the full way once before it
recognises it cheaply.  ``merge_summaries`` puts the units' rows back in image order and
numbers their triggers run-wide (two units' copies of the same trigger become one); a
finding's own ``trigger_id`` column keeps its unit's numbering.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from assay.backdoor.patches import Trigger
from assay.backdoor.second_view import merge_opinions
from assay.backdoor.summary import summarise
from assay.core.findings import FindingBatch

if TYPE_CHECKING:
    from assay.backdoor.technique import BackdoorSearch, BackdoorTest

__all__ = ["UNIT_STATE", "finding_keys", "merge_summaries", "unit_state"]

UNIT_STATE = "unit_state"  # the key of a unit's state in its summary


def finding_keys(batch: FindingBatch) -> np.ndarray:
    """A uint64 key per finding: its kind and the image it is about."""
    if not len(batch):
        return np.zeros(0, dtype=np.uint64)
    images = batch.columns.get("image")
    if images is None:  # a finding about no single image: its inputs
        from assay.core.units import finding_keys as by_inputs

        return by_inputs(batch)
    salt = int.from_bytes(hashlib.blake2b(batch.kind.encode(), digest_size=8).digest(), "little")
    keys: np.ndarray = np.asarray(images, dtype=np.uint64) ^ np.uint64(salt)
    return keys


def unit_state(search: BackdoorSearch) -> dict[str, Any]:
    """What ``merge_summaries`` needs of one unit beyond its summary (JSON data)."""
    return {
        "threshold": search.threshold,
        "clean_entropy": search.clean_entropy,
        "clean_labels": None if search.clean_labels is None else search.clean_labels.tolist(),
        "phase": search.phase,
        "answered": search.answered,
        # the scan's own answers' classes (``changed``), the start's labels of the unit's
        # images, and the images it asked again at the end (``again``)
        "scan_answered": search.scan_answered,
        "image_labels": None
        if search.image_labels is None
        else [search.first, search.image_labels[search.first : search.stop].tolist()],
        "again": search.again,
        "n_classes": search.caps.n_classes,
        # every image's row (the summary keeps them only up to ``summary.ROWS_KEPT`` images)
        "rows": search.rows,
    }


@dataclass
class _Merged:
    """The units' rows and triggers, shaped as ``summarise`` reads a search."""

    test: BackdoorTest
    rows: list[dict[str, Any]] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    matchers: list[tuple[int, Trigger]] = field(default_factory=list)
    threshold: float | None = None
    clean_entropy: list[float] = field(default_factory=list)
    clean_labels: np.ndarray | None = None
    phase: str = "done"
    answered: list[int] | None = field(default_factory=list)
    scan_answered: list[int] | None = field(default_factory=list)
    image_labels: np.ndarray | None = None
    agains: list[dict[str, Any] | None] = field(default_factory=list)
    n_classes: int | None = None
    second: dict[str, Any] | None = None  # (the units' second opinions: ``merge_opinions``)


def merge_summaries(
    test: BackdoorTest, summaries: list[dict[str, Any]], batches: list[FindingBatch]
) -> dict[str, Any]:
    """The run's summary from its units' summaries (in unit order, so images in order)."""
    del batches  # the rows and triggers travel in the summaries
    merged = _Merged(test=test)
    stopped: dict[str, str] = {}
    for s in summaries:
        state = s.get(UNIT_STATE) or {}
        if merged.clean_labels is None and state.get("clean_labels") is not None:
            merged.clean_labels = np.asarray(state["clean_labels"], dtype=np.int64)
            merged.threshold = state.get("threshold")
            merged.clean_entropy = list(state.get("clean_entropy") or [])
        renumber: dict[int, int] = {}
        for k, data in enumerate(s.get("triggers") or []):
            trig = Trigger.from_json(data)
            same = next((j for j, t in enumerate(merged.triggers) if t.same_as(trig)), None)
            if same is None:
                merged.triggers.append(trig)
                same = len(merged.triggers) - 1
            renumber[k] = same
        for k, data in s.get("matchers") or [[k, t] for k, t in enumerate(s.get("triggers") or [])]:
            _add_form(merged.matchers, renumber[int(k)], Trigger.from_json(data))
        for row in state.get("rows", s.get("rows")) or []:
            row = dict(row)
            if row.get("trigger_id") is not None:
                row["trigger_id"] = renumber.get(int(row["trigger_id"]), row["trigger_id"])
            merged.rows.append(row)
        stopped.update(s.get("stopped_early") or {})
        answered = state.get("answered")
        if answered is None or merged.answered is None:
            merged.answered = None  # a unit that did not watch: never judged untested
        else:
            merged.answered = sorted({*merged.answered, *map(int, answered)})[:2]
        _merge_watch(merged, state)
    merged.second = merge_opinions([s.get("second_opinion") for s in summaries])
    summary = summarise(merged)
    if stopped:
        summary["stopped_early"] = stopped
    return summary


def _merge_watch(merged: _Merged, state: dict[str, Any]) -> None:
    """Add a unit's ``changed`` and ``again`` watches to the merged view (a unit stored
    before them: None, never judged by ``changed``)."""
    scan = state.get("scan_answered")
    if scan is None or merged.scan_answered is None:
        merged.scan_answered = None
    else:
        merged.scan_answered = sorted({*merged.scan_answered, *map(int, scan)})[:2]
    labels = state.get("image_labels")
    images = merged.test.images
    if labels is not None and images is not None:
        if merged.image_labels is None:
            merged.image_labels = np.full(len(images), -1, dtype=np.int64)
        first, chunk = int(labels[0]), np.asarray(labels[1], dtype=np.int64)
        merged.image_labels[first : first + len(chunk)] = chunk
    merged.agains.append(state.get("again"))
    if isinstance(state.get("n_classes"), int):
        merged.n_classes = int(state["n_classes"])
    if state.get("phase") == "again":  # (its budget ran out before it asked them)
        merged.phase = "again"


def _add_form(matchers: list[tuple[int, Trigger]], k: int, trig: Trigger) -> None:
    """Keep a unit's form of run-wide trigger ``k`` (a box or pixel pattern it was confirmed
    as) unless another unit's is the same, up to ``MAX_MATCHERS`` per trigger (as one
    search keeps them: ``BackdoorSearch._register``)."""
    from assay.backdoor.technique import MAX_MATCHERS

    mine = [m for j, m in matchers if j == k]
    if len(mine) < MAX_MATCHERS and all(
        m.box != trig.box or not m.matches(trig.content) for m in mine
    ):
        matchers.append((k, trig))
