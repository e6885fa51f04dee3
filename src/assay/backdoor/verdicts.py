"""What an input scan says about one image."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from assay.backdoor.patches import Box, Trigger

__all__ = ["ImageVerdict", "Labeler", "Scorer"]

Labeler = Callable[[np.ndarray], np.ndarray]
"""Canonical images (n, H, W, C) -> predicted class indices (one batched model call)."""

Scorer = Callable[[np.ndarray], np.ndarray]
"""Canonical images (n, H, W, C) -> class probabilities (n, n_classes), rows summing to 1 (one
batched model call; its argmax is the ``Labeler``'s answer)."""


@dataclass
class ImageVerdict:
    """One image: poisoned or not; if poisoned, where, what, to which class."""

    index: int
    label: int  # the model's prediction for the image
    poisoned: bool = False
    box: Box | None = None
    trigger: Trigger | None = None
    target: int | None = None
    flip_rate: float | None = None
    corrected: int | None = None
    known: bool = False  # matched a trigger confirmed on an earlier image
    status: str = "done"  # done | budget (per-image budget spent before a decision)
    candidates: int = 0  # positions whose occlusion changed the prediction
    queries: int = 0
    seconds: float = 0.0
    trigger_id: int | None = None
    extra: dict[str, Any] | None = None
    # the coarse windows whose refill changed the answer, each with the answer then (the
    # class-map and source-class checks' groups; not in the row)
    windows: list[tuple[Box, int]] | None = None

    def row(self) -> dict[str, Any]:
        """The per-image table row (JSON data)."""
        return {
            "image": self.index,
            "prediction": self.label,
            "poisoned": self.poisoned,
            "status": self.status,
            "box": list(self.box) if self.box else None,
            "target": self.target,
            "flip_rate": None if self.flip_rate is None else round(self.flip_rate, 4),
            "corrected": self.corrected,
            "known_trigger": self.known,
            "trigger_id": self.trigger_id,
            "candidates": self.candidates,
            "queries": self.queries,
            "seconds": round(self.seconds, 4),
            **(self.extra or {}),
        }
