"""The search's own findings check the exact figures, once the search is over.

The answer's samples check the trees the exact analysis read (``exact_misread``), but a
misreading confined to a small part of the domain passes them, while the search, whose job
is to find that part, may find it: a run printed "no input in this domain changes outcome
with sex" beside "6 discriminatory inputs found", each replayed on the model.  Every found
IDI (each of its variants, whose model answers are stored with it) is classed through the
trees as read: where they class one otherwise than the model answered it, every exact figure
(and any certificate) is withdrawn; where they agree, an exact share of zero beside it is a
contradiction, withdrawn too.  A stored run (``assay report``, a resume whose trees are not
read again) is checked for the contradiction alone: the findings' variants the model
answered otherwise, beside a certificate or an exact zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.core.findings import FindingBatch

__all__ = ["READINGS", "Readings", "check_found", "withdraw"]

KIND = "fairness.idi"
READINGS = "_trees_read"  # (the answer's key for them, taken away before it is stored)


@dataclass(frozen=True)
class Readings:
    """The trees as read (per attribute whose figures are exact) and the model's classes of
    its stored answers (``labels_of`` with its capabilities)."""

    classes_of: dict[str, Callable[[np.ndarray], np.ndarray]]
    labels: Callable[[np.ndarray], np.ndarray]


def check_found(
    summary: dict[str, Any],
    batches: Iterable[FindingBatch],
    readings: Readings | None,
    fail_on: Any = None,
) -> None:
    """Withdraw, in ``summary``, every exact figure the search's findings contradict."""
    exact = [
        e
        for e in summary.get("exact") or []
        if isinstance(e, dict) and e.get("status") in ("exact", "bounded")
    ]
    if not exact:
        return
    batches = [b for b in batches if b.kind == KIND and len(b)]
    features = next((list(b.details.get("features") or []) for b in batches), [])
    for e in exact:
        attribute = str(e.get("attribute"))
        reason = None
        trees = None if readings is None else readings.classes_of.get(attribute)
        if trees is not None and readings is not None:
            reason = _disagree(batches, attribute, trees, readings.labels)
        if reason is None and _zero(e) and attribute in features:
            j = features.index(attribute)
            n = sum(_idis(b, j, readings) for b in batches)
            if n:
                reason = (
                    f"the exact analysis found no discriminatory input, but the search found "
                    f"{n:,} the model confirms (a variant of {attribute} alone answered "
                    f"otherwise): the trees it read do not answer as the model does there, so "
                    "its exact figures (and any certificate) are withdrawn; the sampled "
                    "figures stand"
                )
        if reason is not None:
            withdraw(summary, attribute, reason, fail_on)


def _zero(e: dict[str, Any]) -> bool:
    """The entry certifies zero, or its uniform share's upper bound is zero."""
    high = (e.get("share_uniform") or {}).get("high")
    return bool(e.get("certificate")) or high == 0.0


def _classes(b: FindingBatch, labels: Callable[[np.ndarray], np.ndarray] | None) -> np.ndarray:
    """The model's class of each finding's every variant, (n, k)."""
    out = np.asarray(b.outputs)
    n, k = out.shape[0], out.shape[1]
    flat = out.reshape(n * k, *out.shape[2:])
    if labels is not None:
        return np.asarray(labels(flat)).reshape(n, k)
    # (a stored run: labels as they are, one probability's side of 0.5, else the argmax)
    if flat.ndim == 2 and flat.shape[1] == 1:
        flat = (flat[:, 0] > 0.5).astype(np.int64)
    return np.asarray(flat if flat.ndim == 1 else np.argmax(flat, axis=1)).reshape(n, k)


def _idis(b: FindingBatch, j: int, readings: Readings | None) -> int:
    """How many findings of ``b`` hold two variants differing only in column ``j`` that the
    model answered with different classes."""
    rows = np.asarray(b.inputs, dtype=np.float64)
    classes = _classes(b, None if readings is None else readings.labels)
    hit = np.zeros(len(rows), dtype=bool)
    others = np.ones(rows.shape[2], dtype=bool)
    others[j] = False
    for p in range(rows.shape[1]):
        for q in range(p + 1, rows.shape[1]):
            same = (rows[:, p][:, others] == rows[:, q][:, others]).all(axis=1)
            hit |= same & (classes[:, p] != classes[:, q])
    return int(hit.sum())


def _disagree(
    batches: list[FindingBatch],
    attribute: str,
    trees: Callable[[np.ndarray], np.ndarray],
    labels: Callable[[np.ndarray], np.ndarray],
) -> str | None:
    """Why the exact figures are withdrawn: the trees class some found inputs otherwise
    than the model answered them; None when they agree on every one."""
    differ, total = 0, 0
    for b in batches:
        rows = np.asarray(b.inputs, dtype=np.float64)
        n, k = rows.shape[0], rows.shape[1]
        mine = np.asarray(trees(rows.reshape(n * k, rows.shape[2]))).astype(np.int64)
        model = _classes(b, labels).astype(np.int64)
        differ += int((mine.reshape(n, k) != model).any(axis=1).sum())
        total += n
    if not differ:
        return None
    return (
        f"the trees the exact analysis read disagree with the model on {differ:,} of the "
        f"{total:,} inputs the search found (with some value of {attribute}): they do not "
        "answer as the model does there, so their exact figures (and any certificate) are "
        "withdrawn; the sampled figures stand"
    )


def withdraw(summary: dict[str, Any], attribute: str, reason: str, fail_on: Any = None) -> None:
    """The attribute's exact figures and certificate withdrawn from ``summary`` (its exact
    entry unavailable with ``reason``, its verdict on the samples), loudly."""
    summary["exact"] = [
        {"attribute": attribute, "status": "unavailable", "reason": reason, "withdrawn": True}
        if isinstance(e, dict) and e.get("attribute") == attribute
        else e
        for e in summary.get("exact") or []
    ]
    for v in summary.get("verdict") or []:
        if not isinstance(v, dict) or v.get("attribute") != attribute:
            continue
        certified = bool(v.get("certificate"))
        v["basis"] = "sampled"
        v["certificate"] = None
        v["undecided"] = False
        for key in [k for k in v if k.startswith("exact_")]:
            del v[key]
        for key in ("share_uniform", "share_data"):
            if f"sampled_{key}" in v:
                v[key] = v[f"sampled_{key}"]
        measured = v.get(
            "share_data" if getattr(fail_on, "measure", "") == "share_data" else "share_uniform"
        )
        if fail_on is not None and measured is not None:
            v["fails"] = bool(fail_on.fails(measured)) or certified
        elif v.get("fails") is not None:
            v["fails"] = True if certified else v["fails"]
        if v.get("fails") is None:
            v["level"] = "found"  # (the search found some: this is said beside it)
        else:
            v["level"] = "fail" if v["fails"] else "pass"
    warnings = list(summary.get("warnings") or [])
    said = f"{attribute}: {reason}"
    if said not in warnings:
        warnings.append(said)
    summary["warnings"] = warnings
