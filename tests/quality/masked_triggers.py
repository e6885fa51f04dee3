"""Triggers pasted on their own pixels only (the rest of their box keeps the image), as
``bench/backdoor_shapes.py`` plants its non-square shapes: shared by the quality tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assay.backdoor.api import check_backdoor
from assay.backdoor.demo import PlantedTrigger, TrojanedDigits
from assay.backdoor.phases import BackdoorResult
from assay.models import load_model


@dataclass(frozen=True)
class MaskedTrigger(PlantedTrigger):
    """Pasted on its pixels only: ``content`` is NaN where the image is kept."""

    def apply(self, images: np.ndarray) -> np.ndarray:
        t, left, h, w = self.box
        out = images.copy()
        region = out[:, t : t + h, left : left + w, :]
        out[:, t : t + h, left : left + w, :] = np.where(
            np.isnan(self.content), region, self.content
        )
        return out


def plus(value: float) -> np.ndarray:
    """A 3x3 plus of ``value`` (NaN elsewhere), (3, 3, 1)."""
    rows = [".#.", "###", ".#."]
    return np.array([[value if c == "#" else np.nan for c in r] for r in rows])[..., None]


def scanned(d: TrojanedDigits, images: np.ndarray, store: Path, seed: int) -> BackdoorResult:
    """The default input scan of canonical ``images`` by the digits model as a user hands it
    (rows in 0..16), its first 150 clean digits the references."""
    return check_backdoor(
        load_model(d.model, modality="image"),
        images=images * 16.0,
        clean=d.clean_images[:150] * 16.0,
        value_range="0,16",
        store=store,
        seed=seed,
    )
