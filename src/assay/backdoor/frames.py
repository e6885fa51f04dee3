"""A backdoor run's findings as a pandas DataFrame (``BackdoorResult.findings()``).

An input scan: one row per flagged image (by the patch scan, or by STRIP's second opinion:
``strip_flag``), in the user's own terms (the file name when the
images were files, class names when the model names its classes).  A model scan: one row per
class scanned, with whether it is a suspected target.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["findings_frame"]

_CLASSES = ("prediction", "target", "corrected", "true_label")
_IMAGE_COLUMNS = (
    "image",
    "name",
    "prediction",
    "target",
    "trigger_id",
    "known_trigger",
    "box",
    "flip_rate",
    "corrected",
    "true_label",
    "queries",
    "seconds",
)
_SCAN_COLUMNS = ("target", "suspected", "size", "pixels", "box", "flip_rate", "held_out", "queries")


def _namer(class_names: Sequence[str] | None) -> Any:
    def name(k: Any) -> Any:
        if class_names and isinstance(k, int) and 0 <= k < len(class_names):
            return str(class_names[k])
        return k

    return name


def findings_frame(
    summary: dict[str, Any], class_names: Sequence[str] | None, limit: int | None = None
) -> Any:
    """The flagged images (an input scan) or the classes scanned (a model scan)."""
    import pandas as pd

    name = _namer(class_names)
    if summary.get("mode") == "model":
        suspects = set((summary.get("verdict") or {}).get("suspects") or [])
        rows = [
            {
                **{c: s.get(c) for c in _SCAN_COLUMNS if c != "suspected"},
                "target": name(s.get("target")),
                "suspected": s.get("target") in suspects,
            }
            for s in summary.get("class_scans") or []
        ]
        frame = pd.DataFrame(rows, columns=list(_SCAN_COLUMNS))
    else:
        # (an image STRIP's second opinion flagged: ``strip_flag``, its blends' entropy)
        # (or the common-pattern check: ``pattern_flag``)
        flagged = [
            r
            for r in summary.get("rows") or []
            if r.get("poisoned") or r.get("strip_flag") or r.get("pattern_flag")
        ]
        columns = [c for c in _IMAGE_COLUMNS if c != "name" or any("name" in r for r in flagged)]
        if any(r.get("strip_flag") for r in flagged):
            columns[columns.index("box") : columns.index("box")] = ["strip_flag", "blend_entropy"]
        if any(r.get("pattern_flag") for r in flagged):
            columns.insert(columns.index("box"), "pattern_flag")
        frame = pd.DataFrame(
            [{c: name(r.get(c)) if c in _CLASSES else r.get(c) for c in columns} for r in flagged],
            columns=columns,
        )
    return frame if limit is None else frame.head(limit)
